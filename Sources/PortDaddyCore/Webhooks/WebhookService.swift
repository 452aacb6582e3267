import Foundation
import PortDaddyAPI
import Synchronization

/// Limits of webhooks and their outbox.
public enum WebhookLimits {
    public static let maxWebhooks = 100
    /// Pending deliveries, over every webhook; beyond it the oldest are failed with a reason.
    public static let maxPending = 10_000
    /// Attempts before a delivery is failed (parked): the first and six retries.
    public static let maxAttempts = 7
    /// Seconds before each retry, before scaling: 1, 2, 4, 8, 16, 32.
    public static let backoffSeconds: [Double] = [1, 2, 4, 8, 16, 32]
    /// Finished deliveries are kept this long.
    public static let retentionSeconds: Double = 7 * 86400
}

/// The body every delivery POSTs: `{id, event, at, data}`, with keys sorted.
struct WebhookPayload: Encodable {
    struct Data: Encodable {
        var activity: Int64?
        var type: String
        var actor: String?
        var subject: String
        var detail: String?
    }
    var id: String
    var event: String
    var at: Int64
    var data: Data

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Foundation.Data(), as: UTF8.self)
    }
}

/// Webhooks: the registry (with its address policy), the durable outbox the activity log writes through, and what the
/// delivery worker needs (due deliveries, recording attempts, backoff).
///
/// Every activity flush that holds subscribed events inserts their deliveries in the flush's own transaction
/// (``appending(_:)``), so a `kill -9` keeps both or neither: delivery is at least once. The worker then sends each
/// webhook's deliveries in order, one at a time.
public final class WebhookService: ActivityOutbox, Sendable {
    let store: any WebhookStore
    let clock: any WallClock
    /// The subscriptions, for matching at each flush without a read.
    let subscriptions: Mutex<[WebhookRecord]>
    /// Serializes registrations and removals.
    let registering = Mutex<Void>(())
    /// Called after deliveries were queued (wakes the worker).
    let wake = Mutex<(@Sendable () -> Void)?>(nil)
    /// Scales every backoff (`PORT_DADDY_WEBHOOK_BACKOFF`, for tests).
    public let backoffFactor: Double

    public init(store: any WebhookStore, clock: any WallClock = SystemWallClock(), backoffFactor: Double = 1) throws(PortDaddyError) {
        self.store = store
        self.clock = clock
        self.backoffFactor = backoffFactor
        subscriptions = Mutex(try store.webhooks())
    }

    /// Sets what is called whenever deliveries become due (the worker's wake-up).
    public func onQueued(_ wake: @escaping @Sendable () -> Void) {
        self.wake.withLock { $0 = wake }
    }

    // MARK: registry

    /// Registers a webhook. Its URL's address must pass ``WebhookAddressPolicy`` now: a literal address as it is, a
    /// name through `resolve` (when it does not resolve yet, the check before each delivery decides). Without a
    /// `secret` one is made, and answered with this once.
    public func add(
        _ request: WebhookAddRequest, resolve: (String) -> [String] = HostResolver.addresses(of:)
    ) throws(PortDaddyError) -> WebhookCreated {
        let target = try WebhookTarget(parsing: request.url)
        let events = try WebhookEvents.validate(request.events)
        var filter: String?
        if let raw = request.filter?.trimmingWhitespace(), !raw.isEmpty {
            do { filter = try IdentityPattern(parsing: raw, maxSegments: 8).description } catch {
                throw .invalidRequest("filter \"\(raw)\" is not a pattern of names (myapp:*, *:api)")
            }
        }
        let allowPrivate = request.allowPrivate ?? false
        let addresses = target.isLiteral ? [target.host] : resolve(target.host)
        if !addresses.isEmpty {
            try WebhookAddressPolicy.check(scheme: target.scheme, host: target.host, addresses: addresses, allowPrivate: allowPrivate)
        }
        var made: String?
        if let given = request.secret {
            guard given.utf8.count >= 16, given.utf8.count <= 1024, !given.contains(where: \.isNewline) else {
                throw .invalidRequest("a webhook secret is one line of 16 to 1024 bytes")
            }
        } else {
            made = Secret.hex(bytes: 32)
        }
        let record = WebhookRecord(
            id: "wh-" + Secret.hex(bytes: 4), url: target.url, events: events, filter: filter, secret: WebhookSecret(request.secret ?? made ?? ""),
            allowPrivate: allowPrivate, createdAt: clock.nowMillis())
        // Registry changes take `registering`, never `subscriptions` around a store write: a flush holds the writer
        // and then reads `subscriptions`.
        try registering.withLock { (_: inout Void) throws(PortDaddyError) in
            guard subscriptions.withLock({ $0.count }) < WebhookLimits.maxWebhooks else { throw .webhookLimit }
            try store.insertWebhook(record)
            subscriptions.withLock { $0.append(record) }
        }
        return WebhookCreated(webhook: Self.info(record, counts: [:], lastError: nil), secret: made)
    }

    /// Every webhook with its delivery counts; no secret.
    public func list() throws(PortDaddyError) -> [WebhookInfo] {
        let counts = try store.webhookCounts()
        return try store.webhooks().map { record in
            let entry = counts[record.id]
            return Self.info(record, counts: entry?.counts ?? [:], lastError: entry?.lastError)
        }
    }

    /// Removes a webhook and its deliveries.
    public func remove(_ id: String) throws(PortDaddyError) {
        try registering.withLock { (_: inout Void) throws(PortDaddyError) in
            subscriptions.withLock { $0.removeAll { $0.id == id } }
            guard try store.deleteWebhook(id) else { throw .webhookNotFound(id) }
        }
    }

    /// Queues a `webhook.test` delivery (behind the webhook's other deliveries).
    public func test(_ id: String) throws(PortDaddyError) -> WebhookDeliveryInfo {
        guard subscriptions.withLock({ $0.contains { $0.id == id } }) else { throw .webhookNotFound(id) }
        let now = clock.nowMillis()
        let delivery = Self.delivery(
            to: id, event: WebhookEvents.test,
            data: WebhookPayload.Data(activity: nil, type: WebhookEvents.test, actor: "user", subject: id, detail: "pd webhooks test"), at: now)
        try store.enqueueDeliveries([delivery], at: now, maxPending: WebhookLimits.maxPending)
        wake.withLock { $0 }?()
        guard let info = try store.delivery(id: delivery.id) else { throw .webhookNotFound(id) }
        return info
    }

    /// A webhook's deliveries, newest first.
    public func deliveries(of id: String, state: WebhookDeliveryState?, limit: Int) throws(PortDaddyError) -> [WebhookDeliveryInfo] {
        guard subscriptions.withLock({ $0.contains { $0.id == id } }) else { throw .webhookNotFound(id) }
        return try store.deliveries(webhook: id, state: state, limit: max(1, min(limit, 1000)))
    }

    // MARK: the outbox

    public func appending(_ append: () throws(PortDaddyError) -> [ActivityInfo]) throws(PortDaddyError) -> [ActivityInfo] {
        let hooks = subscriptions.withLock { $0 }
        guard !hooks.isEmpty else { return try append() }
        var queued = false
        let written = try store.atomically { () throws(PortDaddyError) -> [ActivityInfo] in
            let written = try append()
            let deliveries = Self.deliveries(for: written, to: hooks)
            try store.enqueueDeliveries(deliveries, at: clock.nowMillis(), maxPending: WebhookLimits.maxPending)
            queued = !deliveries.isEmpty
            return written
        }
        if queued { wake.withLock { $0 }?() }
        return written
    }

    /// The deliveries `records` cause: one per record and subscribed webhook whose filter matches its subject.
    static func deliveries(for records: [ActivityInfo], to hooks: [WebhookRecord]) -> [NewWebhookDelivery] {
        var result: [NewWebhookDelivery] = []
        for record in records {
            guard let event = WebhookEvents.name(of: record) else { continue }
            for hook in hooks where WebhookEvents.matches(hook.events, event: event) {
                if let filter = hook.filter, let pattern = try? IdentityPattern(parsing: filter, maxSegments: 8),
                    !pattern.matches(name: record.subject.lowercased())
                {
                    continue
                }
                let data = WebhookPayload.Data(
                    activity: record.id, type: record.type, actor: record.actor, subject: record.subject, detail: record.detail)
                result.append(delivery(to: hook.id, event: event, data: data, at: record.at))
            }
        }
        return result
    }

    static func delivery(to webhook: String, event: String, data: WebhookPayload.Data, at millis: Int64) -> NewWebhookDelivery {
        let id = UUID().uuidString.lowercased()
        let body = WebhookPayload(id: id, event: event, at: millis, data: data).encoded()
        return NewWebhookDelivery(id: id, webhook: webhook, event: event, activityID: data.activity, subject: data.subject, body: body)
    }

    // MARK: the worker's side

    /// The head of each webhook's queue that is due now, except those of `busy` webhooks (one in flight each).
    public func due(excluding busy: Set<String>, limit: Int) throws(PortDaddyError) -> [WebhookDueDelivery] {
        guard limit > 0 else { return [] }
        return Array(try store.dueDeliveries(at: clock.nowMillis()).filter { !busy.contains($0.webhook) }.prefix(limit))
    }

    /// When the next queue head of a webhook not in `busy` is due (milliseconds), nil when none is pending.
    public func nextDue(excluding busy: Set<String>) throws(PortDaddyError) -> Int64? {
        try store.queueHeads().filter { !busy.contains($0.key) }.values.min()
    }

    /// Records an attempt's outcome: a 2xx `status` delivers; anything else retries after the backoff, or fails the
    /// delivery after ``WebhookLimits/maxAttempts``. Returns the delivery's state.
    @discardableResult
    public func record(_ delivery: WebhookDueDelivery, status: Int?, error: String?) throws(PortDaddyError) -> WebhookDeliveryState {
        let now = clock.nowMillis()
        let attempts = delivery.attempts + 1
        let delivered = error == nil && (200..<300).contains(status ?? 0)
        let state: WebhookDeliveryState = delivered ? .delivered : attempts >= WebhookLimits.maxAttempts ? .failed : .pending
        let why = delivered ? nil : error ?? "HTTP \(status ?? 0)"
        let next = state == .pending ? now + backoffMillis(afterAttempt: attempts) : nil
        try store.recordAttempt(seq: delivery.seq, at: now, status: status, error: why, state: state, nextAttemptAt: next)
        return state
    }

    /// Milliseconds to wait after the `attempt`-th failed attempt (1-based), scaled by ``backoffFactor``.
    public func backoffMillis(afterAttempt attempt: Int) -> Int64 {
        let steps = WebhookLimits.backoffSeconds
        return Int64(steps[max(0, min(attempt - 1, steps.count - 1))] * backoffFactor * 1000)
    }

    /// Deletes deliveries finished more than ``WebhookLimits/retentionSeconds`` ago.
    @discardableResult
    public func prune() throws(PortDaddyError) -> Int {
        try store.pruneDeliveries(finishedBefore: clock.nowMillis() - Int64(WebhookLimits.retentionSeconds * 1000))
    }

    static func info(_ record: WebhookRecord, counts: [WebhookDeliveryState: Int], lastError: String?) -> WebhookInfo {
        WebhookInfo(
            id: record.id, url: record.url, events: record.events, filter: record.filter, allowPrivate: record.allowPrivate,
            createdAt: record.createdAt, pending: counts[.pending] ?? 0, delivered: counts[.delivered] ?? 0, failed: counts[.failed] ?? 0,
            lastError: lastError)
    }
}
