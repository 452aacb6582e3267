import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// File claims: `GET /files`, `POST|DELETE /files/claim`, `GET /files/owner?path=`, `POST /files/check`.
struct FileController: RouteController {
    let coordination: CoordinationService
    /// Claims made with the user's authority (``UserAuthority``) are recorded as such: only their files are snapshotted.
    let userToken: String
    /// Takes the baseline of a trusted claim's file at once (the bytes at claim time).
    let snapshots: SnapshotWatcher

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.files, use: list)
        routes.on(Routes.claimFiles, use: claim)
        routes.on(Routes.releaseFiles, use: release)
        routes.on(Routes.fileOwner, use: owner)
        routes.on(Routes.checkFiles, use: check)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(FileClaimsResponse(claims: try coordination.files()))
    }

    @Sendable func claim(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(FileClaimRequest.self, context: context)
        let targets = body.paths.map { FileClaimTarget(path: $0) } + (body.targets ?? [])
        let trusted = UserAuthority.holds(request, context, token: userToken)
        let claims = try coordination.claimFiles(agent: try context.requiredAgent(), targets: targets, force: body.force ?? false, trusted: trusted)
        if trusted { try snapshots.watch(claims) }
        return try JSONResponse.make(FileClaimsResponse(claims: claims), status: .created)
    }

    @Sendable func release(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(FileClaimRequest.self, context: context)
        try coordination.releaseFiles(agent: try context.requiredAgent(), paths: body.paths)
        return try JSONResponse.make(FileClaimsResponse(claims: []))
    }

    @Sendable func owner(_ request: Request, _ context: PDRequestContext) throws -> Response {
        guard let path = request.uri.queryParameters.get("path") else { throw PortDaddyError.invalidRequest("give ?path=") }
        return try JSONResponse.make(FileClaimsResponse(claims: try coordination.owners("\(path)")))
    }

    @Sendable func check(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(FileCheckRequest.self, context: context)
        let agent = try? context.requiredAgent()
        return try JSONResponse.make(try coordination.check(agent: agent, paths: body.paths, strict: body.strict ?? false))
    }
}
