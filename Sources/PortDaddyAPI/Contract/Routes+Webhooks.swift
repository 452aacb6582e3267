extension Routes {
    // MARK: webhooks (every route needs the user's authority: a webhook sends coordination data to a URL)
    public static let webhooks = APIRoute<NoBody, WebhooksResponse>(.get, "/webhooks", "the webhooks, with delivery counts (never secrets)")
    public static let addWebhook = APIRoute<WebhookAddRequest, WebhookCreated>(
        .post, "/webhooks", "register a URL for signed events; answers with a made secret once (user's authority)")
    public static let removeWebhook = APIRoute<NoBody, WebhookRemoved>(
        .delete, "/webhooks/:id", "remove a webhook and its deliveries (user's authority)")
    public static let testWebhook = APIRoute<NoBody, WebhookDeliveryInfo>(
        .post, "/webhooks/:id/test", "queue a webhook.test delivery (user's authority)")
    public static let webhookDeliveries = APIRoute<NoBody, WebhookDeliveriesResponse>(
        .get, "/webhooks/:id/deliveries", query: ["state", "limit"], "a webhook's deliveries with their attempts, newest first (user's authority)")

    static var webhookRoutes: [AnyAPIRoute] {
        [webhooks.erased, addWebhook.erased, removeWebhook.erased, testWebhook.erased, webhookDeliveries.erased]
    }
}
