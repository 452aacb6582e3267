/// `POST /webhooks`: a URL to send signed events to.
public struct WebhookAddRequest: Codable, Sendable, Equatable {
    /// `https://…` to a public address, or `http(s)://` to loopback; private ranges only with ``allowPrivate``.
    public var url: String
    /// Event names or families (`claim.created`, `lock.*`, `*`).
    public var events: [String]
    /// Only events whose subject (an identity, a lock, an agent…) matches this pattern (`myapp:*`).
    public var filter: String?
    /// The signing secret; the daemon makes one (and answers with it once) when absent.
    public var secret: String?
    /// Allow addresses of private ranges (RFC 1918, CGNAT, IPv6 ULA).
    public var allowPrivate: Bool?

    public init(url: String, events: [String], filter: String? = nil, secret: String? = nil, allowPrivate: Bool? = nil) {
        self.url = url
        self.events = events
        self.filter = filter
        self.secret = secret
        self.allowPrivate = allowPrivate
    }
}

/// A webhook as `GET /webhooks` shows it: never its secret.
public struct WebhookInfo: Codable, Sendable, Equatable {
    public var id: String
    public var url: String
    public var events: [String]
    public var filter: String?
    public var allowPrivate: Bool
    public var createdAt: Int64
    /// Deliveries waiting (or being retried).
    public var pending: Int
    public var delivered: Int
    /// Deliveries that ran out of attempts (parked).
    public var failed: Int
    /// Why the newest failed attempt failed.
    public var lastError: String?

    public init(
        id: String, url: String, events: [String], filter: String?, allowPrivate: Bool, createdAt: Int64, pending: Int = 0,
        delivered: Int = 0, failed: Int = 0, lastError: String? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.filter = filter
        self.allowPrivate = allowPrivate
        self.createdAt = createdAt
        self.pending = pending
        self.delivered = delivered
        self.failed = failed
        self.lastError = lastError
    }
}

/// The answer to `POST /webhooks`: the webhook, and the secret the daemon made (once; absent when the caller gave one).
public struct WebhookCreated: Codable, Sendable, Equatable {
    public var webhook: WebhookInfo
    public var secret: String?

    public init(webhook: WebhookInfo, secret: String?) {
        self.webhook = webhook
        self.secret = secret
    }
}

/// `GET /webhooks`.
public struct WebhooksResponse: Codable, Sendable, Equatable {
    public var webhooks: [WebhookInfo]
    public init(webhooks: [WebhookInfo]) { self.webhooks = webhooks }
}

/// Where a delivery stands.
public enum WebhookDeliveryState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its turn or its next attempt.
    case pending
    case delivered
    /// Every attempt failed: parked, not tried again.
    case failed
}

/// One attempt to deliver.
public struct WebhookAttemptInfo: Codable, Sendable, Equatable {
    public var at: Int64
    /// The receiver's HTTP status, when it answered.
    public var status: Int?
    /// Why the attempt failed, when it did.
    public var error: String?

    public init(at: Int64, status: Int?, error: String?) {
        self.at = at
        self.status = status
        self.error = error
    }
}

/// One event on its way to one webhook.
public struct WebhookDeliveryInfo: Codable, Sendable, Equatable {
    /// The `X-PD-Delivery` id: the same on every attempt.
    public var id: String
    public var webhook: String
    public var event: String
    /// The activity record it came from (absent for a test delivery).
    public var activityID: Int64?
    public var subject: String?
    public var state: WebhookDeliveryState
    public var createdAt: Int64
    /// When the next attempt is due (pending deliveries).
    public var nextAttemptAt: Int64?
    public var attempts: [WebhookAttemptInfo]

    public init(
        id: String, webhook: String, event: String, activityID: Int64?, subject: String?, state: WebhookDeliveryState, createdAt: Int64,
        nextAttemptAt: Int64?, attempts: [WebhookAttemptInfo]
    ) {
        self.id = id
        self.webhook = webhook
        self.event = event
        self.activityID = activityID
        self.subject = subject
        self.state = state
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
    }
}

/// `GET /webhooks/:id/deliveries`, newest first.
public struct WebhookDeliveriesResponse: Codable, Sendable, Equatable {
    public var deliveries: [WebhookDeliveryInfo]
    public init(deliveries: [WebhookDeliveryInfo]) { self.deliveries = deliveries }
}

/// `DELETE /webhooks/:id`.
public struct WebhookRemoved: Codable, Sendable, Equatable {
    public var removed: String
    public init(removed: String) { self.removed = removed }
}
