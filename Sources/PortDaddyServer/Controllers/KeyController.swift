import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Encryption at rest: `GET /keys` (the state, open-read: a path, a problem, counts — never key material) and
/// `POST /keys/rotate` (a new master key: only with the user's authority).
struct KeyController: RouteController {
    let store: SQLiteStore

    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.keys, use: status)
        routes.requiringUserAuthority(token: userToken, actions: [Routes.rotateKeys.template: "rotating the master key"])
            .on(Routes.rotateKeys, use: rotate)
        return routes
    }

    var keyFile: String { store.vault?.keyFile.path ?? "" }

    @Sendable func status(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let counts = try store.vaultCounts()
        let problem = store.vault == nil ? "no vault" : store.vault?.problem
        return try JSONResponse.make(
            EncryptionStatus(
                keyFile: keyFile, ok: problem == nil, problem: problem, dataKeys: counts.dataKeys, sealedRows: counts.sealed,
                plaintextRows: counts.plaintext))
    }

    @Sendable func rotate(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(KeyRotateResponse(keyFile: keyFile, rewrapped: try store.rotateMasterKey()))
    }
}
