import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Harbors (open-read, open-write): `GET|POST /harbors`, `GET|DELETE /harbors/{name}`, `POST /harbors/{name}/enter`
/// and `/leave`. The caller's agent (`X-PD-Agent`) is who creates, enters and leaves.
struct HarborController: RouteController {
    let harbors: HarborService

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.harbors, use: list)
        routes.on(Routes.createHarbor, use: create)
        routes.on(Routes.harbor, use: show)
        routes.on(Routes.enterHarbor, use: enter)
        routes.on(Routes.leaveHarbor, use: leave)
        routes.on(Routes.destroyHarbor, use: destroy)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(HarborsResponse(harbors: try harbors.list()))
    }

    @Sendable func create(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(HarborCreateRequest.self, context: context)
        return try JSONResponse.make(try harbors.create(body, by: context.optionalAgent), status: .created)
    }

    @Sendable func show(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try harbors.info(context.parameter("name")))
    }

    @Sendable func enter(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try harbors.enter(context.parameter("name"), agent: try context.requiredAgent()))
    }

    @Sendable func leave(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try harbors.leave(context.parameter("name"), agent: try context.requiredAgent()))
    }

    @Sendable func destroy(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try harbors.destroy(context.parameter("name"), by: context.optionalAgent))
    }
}

extension PDRequestContext {
    /// The caller's agent id when it sent a valid one, else nil (writes to open harbors need none).
    var optionalAgent: String? { try? requiredAgent() }
}
