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

extension PDRequestContext {
    /// The caller's agent as sent; `INVALID_AGENT` when there is none.
    func requiredAgentHeader() throws -> String {
        guard let agent, !agent.isEmpty else {
            throw PortDaddyError.invalidAgent("no agent: set PD_AGENT_ID (pd begin prints it) or send the \(AgentHeader.name) header")
        }
        return agent
    }

    /// The caller's agent id, validated and normalized; `INVALID_AGENT` when there is none or it is malformed.
    func requiredAgent() throws -> String { try CoordinationService.agentID(try requiredAgentHeader()) }
}
