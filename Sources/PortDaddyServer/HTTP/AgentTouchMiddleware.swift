import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Any request naming an agent (`X-PD-Agent`) counts as that agent's heartbeat.
struct AgentTouchMiddleware: RouterMiddleware {
    typealias Context = PDRequestContext
    let coordination: CoordinationService
    static let header = HTTPField.Name(AgentHeader.name)!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let agent = request.headers[Self.header] { coordination.touch(agent) }
        return try await next(request, context)
    }
}
