import PortDaddyAPI

/// Webhooks (every route needs the user's authority).
extension PortDaddyClient {
    public func webhooks() throws(ClientError) -> WebhooksResponse { try call(Routes.webhooks) }

    public func addWebhook(_ request: WebhookAddRequest) throws(ClientError) -> WebhookCreated {
        try call(Routes.addWebhook, body: request)
    }

    public func removeWebhook(_ id: String) throws(ClientError) -> WebhookRemoved { try call(Routes.removeWebhook, id) }
    public func testWebhook(_ id: String) throws(ClientError) -> WebhookDeliveryInfo { try call(Routes.testWebhook, id) }

    public func webhookDeliveries(_ id: String, state: WebhookDeliveryState? = nil, limit: Int? = nil) throws(ClientError)
        -> WebhookDeliveriesResponse
    {
        try call(Routes.webhookDeliveries, id, query: [("state", state?.rawValue), ("limit", limit.map(String.init))])
    }
}
