import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Agents' inboxes: `POST /inbox/{agent}`, `GET /inbox`, `POST /inbox/read-all`, `DELETE /inbox`.
struct InboxController: RouteController {
    let inbox: Inbox

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.sendInbox, use: send)
        routes.on(Routes.inbox, use: list)
        routes.on(Routes.readAllInbox, use: readAll)
        routes.on(Routes.clearInbox, use: clear)
        return routes
    }

    @Sendable func send(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(PublishRequest.self, context: context)
        let sender = body.sender ?? (try? context.requiredAgent())
        return try JSONResponse.make(try inbox.send(to: context.parameter("agent"), text: body.message, sender: sender), status: .created)
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let me = try context.requiredAgent()
        let (messages, readUpTo) = try inbox.list(agent: me, unreadOnly: request.uri.queryParameters.get("unread") == "true")
        return try JSONResponse.make(InboxResponse(agentID: me, messages: messages, readUpTo: readUpTo))
    }

    @Sendable func readAll(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(["marked": try inbox.readAll(agent: try context.requiredAgent())])
    }

    @Sendable func clear(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(["removed": try inbox.clear(agent: try context.requiredAgent())])
    }
}
