import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// The arbiter: `GET /arbiter/status` (open-read), `POST /arbiter/mode` and `POST /arbiter/test-invariant/{name}`
/// (both trusted: strict mode declares agents dead, and a synthetic violation reaches every webhook).
struct ArbiterController: RouteController {
    let arbiter: Arbiter
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.arbiterStatus, use: status)
        let guarded = routes.requiringUserAuthority(
            token: userToken,
            actions: [
                "/arbiter/mode": "changing the arbiter's mode", "/arbiter/test-invariant/{name}": "recording a synthetic arbiter violation",
            ])
        guarded.on(Routes.arbiterMode, use: setMode)
        guarded.on(Routes.arbiterTestInvariant, use: testInvariant)
        return routes
    }

    @Sendable func status(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(arbiter.status())
    }

    @Sendable func setMode(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ArbiterModeRequest.self, context: context)
        return try JSONResponse.make(try arbiter.setMode(body.mode))
    }

    @Sendable func testInvariant(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try arbiter.testInvariant(context.parameter("name")), status: .created)
    }
}
