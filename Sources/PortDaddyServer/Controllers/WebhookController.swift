import Hummingbird
import NIOPosix
import PortDaddyAPI
import PortDaddyCore

/// Webhooks: every route needs the user's authority, since a webhook sends coordination data to a URL. Answers never
/// carry a secret, except the one the daemon made, once, in the answer to `POST /webhooks`.
struct WebhookController: RouteController {
    let webhooks: WebhookService
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        let guarded = routes.requiringUserAuthority(
            token: userToken,
            actions: [
                "/webhooks": "managing webhooks", "/webhooks/{id}": "removing a webhook", "/webhooks/{id}/test": "testing a webhook",
                "/webhooks/{id}/deliveries": "reading a webhook's deliveries",
            ])
        guarded.on(Routes.webhooks, use: list)
        guarded.on(Routes.addWebhook, use: add)
        guarded.on(Routes.removeWebhook, use: remove)
        guarded.on(Routes.testWebhook, use: test)
        guarded.on(Routes.webhookDeliveries, use: deliveries)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(WebhooksResponse(webhooks: try webhooks.list()))
    }

    @Sendable func add(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(WebhookAddRequest.self, context: context)
        // Registration may resolve the host name (blocking): off the event loops.
        let created = try await NIOThreadPool.singleton.runIfActive { [webhooks] in try webhooks.add(body) }
        return try JSONResponse.make(created, status: .created)
    }

    @Sendable func remove(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let id = context.parameter("id")
        try webhooks.remove(id)
        return try JSONResponse.make(WebhookRemoved(removed: id))
    }

    @Sendable func test(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try webhooks.test(context.parameter("id")), status: .accepted)
    }

    @Sendable func deliveries(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        var state: WebhookDeliveryState?
        if let raw = query.get("state") {
            guard let parsed = WebhookDeliveryState(rawValue: String(raw)) else {
                throw PortDaddyError.invalidRequest("state \"\(raw)\" is not one of pending, delivered, failed")
            }
            state = parsed
        }
        let limit = query.get("limit").flatMap { Int(String($0)) } ?? 100
        return try JSONResponse.make(
            WebhookDeliveriesResponse(deliveries: try webhooks.deliveries(of: context.parameter("id"), state: state, limit: limit)))
    }
}
