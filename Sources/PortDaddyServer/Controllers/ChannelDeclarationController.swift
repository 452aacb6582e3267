import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Declared channels (open-read, open-write like channels): `POST /channels/declarations` declares or updates one,
/// `GET /channels/declarations?repo=` lists a repository's. The repository is a key; nothing here opens a path.
struct ChannelDeclarationController: RouteController {
    let declarations: ChannelDeclarations

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.declareChannel, use: ensure)
        routes.on(Routes.channelDeclarations, use: list)
        return routes
    }

    @Sendable func ensure(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ChannelDeclarationRequest.self, context: context)
        let (declaration, created) = try declarations.ensure(body, by: context.optionalAgent)
        return try JSONResponse.make(declaration, status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let repo = request.uri.queryParameters.get("repo").map { String($0) }
        return try JSONResponse.make(ChannelDeclarationsResponse(declarations: try declarations.list(repo: repo)))
    }
}
