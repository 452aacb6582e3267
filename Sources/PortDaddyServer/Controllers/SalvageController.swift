import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Salvage of dead agents' work: `GET /salvage`, `POST /salvage/{agent}/claim|complete|dismiss`.
struct SalvageController: RouteController {
    let coordination: CoordinationService
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self).add(middleware: UserAuthorityMiddleware(userToken: userToken))
        routes.on(Routes.salvage, use: list)
        routes.on(Routes.claimSalvage, use: claim)
        routes.on(Routes.completeSalvage, use: complete)
        routes.on(Routes.dismissSalvage, use: dismiss)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let project = request.uri.queryParameters.get("project").map { "\($0)" }
        let all = request.uri.queryParameters.get("all") == "true"
        return try JSONResponse.make(SalvageResponse(salvage: NoteText.salvage(try coordination.salvage(project: project, all: all), for: context)))
    }

    @Sendable func claim(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(
            NoteText.session(try coordination.claimSalvage(of: context.parameter("agent"), by: try context.requiredAgent()), for: context))
    }

    @Sendable func complete(_ request: Request, _ context: PDRequestContext) throws -> Response { try resolve(context, as: "completed") }

    @Sendable func dismiss(_ request: Request, _ context: PDRequestContext) throws -> Response { try resolve(context, as: "dismissed") }

    func resolve(_ context: PDRequestContext, as state: String) throws -> Response {
        let dead = context.parameter("agent")
        try coordination.resolveSalvage(of: dead, by: try? context.requiredAgent(), state: state)
        let entries = try coordination.salvage(project: nil, all: true).filter { $0.agentID == dead.lowercased() }
        return try JSONResponse.make(SalvageResponse(salvage: NoteText.salvage(entries, for: context)))
    }
}
