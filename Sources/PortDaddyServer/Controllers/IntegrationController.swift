import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Integration signals and waiting on them: `GET /integration`, `POST /integration/ready|needs`,
/// `GET /wait?ids=a,b&timeout=`.
struct IntegrationController: RouteController {
    let coordination: CoordinationService

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.integration, use: list)
        routes.on(Routes.signalReady, use: ready)
        routes.on(Routes.signalNeeds, use: needs)
        routes.on(Routes.wait, use: wait)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(IntegrationResponse(signals: try coordination.integrations().map(IntegrationSignal.init)))
    }

    @Sendable func ready(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try await signal(request, context, kind: "ready")
    }

    @Sendable func needs(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try await signal(request, context, kind: "needs")
    }

    func signal(_ request: Request, _ context: PDRequestContext, kind: String) async throws -> Response {
        let body = try await request.decodeJSON(IntegrationRequest.self, context: context)
        let record = try coordination.signal(identity: body.identity, kind: kind, detail: body.detail, agent: try? context.requiredAgent())
        return try JSONResponse.make(IntegrationSignal(record), status: .created)
    }

    /// Blocks until every identity is signalled ready or listening, or the timeout passes (woken by the signals'
    /// events, see ``CoordinationService/waitUntilReady(_:timeoutSeconds:probeInterval:)``).
    @Sendable func wait(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let raw = request.uri.queryParameters.get("ids").map { "\($0)" } ?? ""
        var identities: [Identity] = []
        for part in raw.split(separator: ",") {
            do { identities.append(try Identity(parsing: "\(part)")) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        }
        guard !identities.isEmpty else { throw PortDaddyError.invalidRequest("give ?ids=a,b") }
        let timeout = min(max(request.uri.queryParameters.get("timeout").flatMap { Double($0) } ?? 60, 0), 3600)
        let pending = try await coordination.waitUntilReady(identities, timeoutSeconds: timeout)
        return try JSONResponse.make(WaitResponse(ready: pending.isEmpty, pending: pending.map { $0.description }))
    }
}
