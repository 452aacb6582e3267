import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Durable consumer cursors: read one, move one by compare-and-set. Coordination data between local agents, open
/// to every caller that passes the Host/Origin checks, like channels.
struct CursorController: RouteController {
    let cursors: ConsumerCursors

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.cursor, use: show)
        routes.on(Routes.advanceCursor, use: advance)
        return routes
    }

    @Sendable func show(_ request: Request, _ context: PDRequestContext) throws -> Response {
        guard let channel = request.uri.queryParameters.get("channel") else {
            throw PortDaddyError.invalidRequest("the channel query parameter is required")
        }
        return try JSONResponse.make(try cursors.cursor(consumer: context.parameter("consumer"), channel: String(channel)))
    }

    @Sendable func advance(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(CursorAdvanceRequest.self, context: context)
        let moved = try cursors.advance(consumer: context.parameter("consumer"), channel: body.channel, from: body.from, to: body.to)
        return try JSONResponse.make(moved)
    }
}
