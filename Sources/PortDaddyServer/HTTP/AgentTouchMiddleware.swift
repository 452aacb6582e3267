import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Reads the caller's agent (`X-PD-Agent`) once into the request context, where routes find it, and counts the
/// request as that agent's heartbeat.
struct AgentTouchMiddleware: RouterMiddleware {
    typealias Context = PDRequestContext
    let coordination: CoordinationService
    static let header = HTTPField.Name(AgentHeader.name)!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let agent = request.headers[Self.header] else { return try await next(request, context) }
        coordination.touch(agent)
        var context = context
        context.agent = agent
        return try await next(request, context)
    }
}
