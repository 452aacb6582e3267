import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Agents: `GET|POST /agents`, `POST /agents/{id}/heartbeat`, `DELETE /agents/{id}`, `GET /whoami` (and its alias `GET /sugar/whoami`).
struct AgentController: RouteController {
    let coordination: CoordinationService
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        let reading = routes.group().add(middleware: UserAuthorityMiddleware(userToken: userToken))
        routes.on(Routes.agents, use: list)
        routes.on(Routes.registerAgent, use: register)
        routes.on(Routes.heartbeat, use: heartbeat)
        routes.on(Routes.unregisterAgent, use: unregister)
        reading.on(Routes.whoami, use: whoami)
        reading.on(Routes.sugarWhoami, use: whoami)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(AgentsResponse(agents: try coordination.agents()))
    }

    @Sendable func register(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(AgentRegisterRequest.self, context: context)
        let (agent, dead) = try coordination.register(
            id: body.id, identity: body.identity, purpose: body.purpose, pid: body.pid?.value,
            ttlSeconds: body.ttl?.seconds, name: body.name)
        let project = agent.identity?.split(separator: ":").first.map(String.init) ?? "this project"
        let notice = dead.isEmpty ? nil : "\(dead.count) dead agent(s) in \(project); see pd salvage"
        return try JSONResponse.make(AgentRegisterResponse(agent: agent, deadInProject: dead, notice: notice), status: .created)
    }

    @Sendable func heartbeat(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try coordination.heartbeat(context.parameter("id")))
    }

    @Sendable func unregister(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try coordination.unregister(context.parameter("id"))
        return try JSONResponse.make(["unregistered": context.parameter("id")])
    }

    @Sendable func whoami(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let (agent, session) = try coordination.whoami(try context.requiredAgent())
        return try JSONResponse.make(
            WhoamiResponse(agentID: try context.requiredAgentHeader(), agent: agent, session: session.map { NoteText.session($0, for: context) }))
    }
}

struct WhoamiResponse: Codable {
    var agentID: String
    var agent: AgentInfo?
    var session: SessionInfo?
}
