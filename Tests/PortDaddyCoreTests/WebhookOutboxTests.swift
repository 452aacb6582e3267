import Foundation
import PortDaddyAPI
import Synchronization
import Testing

@testable import PortDaddyCore

@Suite("Webhook outbox")
struct WebhookOutboxTests {
    @Test("the signature is HMAC-SHA256 over timestamp.body, as Python's hmac computes it")
    func signature() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec-test-0123456789", b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest())'
        #expect(
            WebhookSignature.sign(secret: "whsec-test-0123456789", timestamp: 1_700_000_000, body: #"{"a":1}"#)
                == "sha256=ba8ec7f38c4e076a99176a1bf98ae9f2f3f4e18412b46a5913ddcf5685932c6a")
    }

    @Test("activity types map to the spec's event names; subscriptions are *, families or names")
    func events() throws {
        func event(_ type: String, _ detail: String? = nil) -> String? {
            WebhookEvents.name(of: ActivityInfo(id: 1, at: 0, type: type, actor: nil, subject: "s", detail: detail))
        }
        #expect(event("claim") == "claim.created" && event("claim.release") == "claim.released" && event("claim.reap") == "claim.reaped")
        #expect(event("lock") == "lock.acquired" && event("lock.force") == "lock.broken" && event("lock.reap") == "lock.released")
        #expect(event("agent.register") == "agent.registered" && event("agent.dead") == "agent.dead")
        #expect(event("session.begin") == "session.begun" && event("session.done") == "session.done")
        #expect(event("salvage.claim") == "session.salvaged" && event("session.note") == nil)
        #expect(event("run.end", "succeeded  cost 0.01") == "run.succeeded" && event("run.end", "killed budget cost 1") == "run.killed")
        #expect(event("run.end", "failed exit 1 cost 0") == "run.failed" && event("run.lost") == "run.failed")
        #expect(event("budget.pending") == "budget.pending" && event("panic.confirmed") == "panic.confirmed")
        #expect(try WebhookEvents.validate(["claim.*, lock.*", "agent.dead", "claim.*"]) == ["claim.*", "lock.*", "agent.dead"])
        #expect(throws: PortDaddyError.self) { try WebhookEvents.validate(["message.published"]) }
        #expect(throws: PortDaddyError.self) { try WebhookEvents.validate(["nope.*"]) }
        #expect(throws: PortDaddyError.self) { try WebhookEvents.validate([" , "]) }
        #expect(WebhookEvents.matches(["lock.*"], event: "lock.broken") && !WebhookEvents.matches(["lock.*"], event: "claim.created"))
        #expect(WebhookEvents.matches(["*"], event: "run.failed") && WebhookEvents.matches(["agent.dead"], event: "agent.dead"))
    }

    @Test("a flush writes the subscribed, filtered events' deliveries with the records, in order, one id each")
    func outbox() throws {
        let h = Harness()
        defer { h.cleanup() }
        let store = try h.store()
        let activity = ActivityLog(store: store, clock: h.clock)
        let webhooks = try WebhookService(store: store, clock: h.clock)
        activity.attach(outbox: webhooks)
        let hook = try webhooks.add(
            WebhookAddRequest(url: "http://127.0.0.1:9/hook", events: ["claim.*"], filter: "shop:*", secret: "0123456789abcdef"))
        let woken = Mutex(0)
        webhooks.onQueued { woken.withLock { $0 += 1 } }
        activity.record(.claim, subject: "shop:api")
        activity.record(.claim, subject: "blog:api")
        activity.record(.lock, subject: "shop:api")
        activity.record(.claimRelease, subject: "shop:web")
        try activity.flush()
        let queued = try webhooks.deliveries(of: hook.webhook.id, state: .pending, limit: 10)
        #expect(queued.map(\.event) == ["claim.released", "claim.created"])
        #expect(queued.map(\.subject) == ["shop:web", "shop:api"] && Set(queued.map(\.id)).count == 2)
        #expect(woken.withLock { $0 } == 1)
        // Durable: a second store on the same file sees them (the flush committed them with the records).
        let reopened = try WebhookService(store: try h.store(), clock: h.clock)
        #expect(try reopened.deliveries(of: hook.webhook.id, state: .pending, limit: 10).count == 2)
        let due = try webhooks.due(excluding: [], limit: 8)
        #expect(due.count == 1 && due[0].event == "claim.created" && due[0].secret.value == "0123456789abcdef")
        #expect(!"\(due[0])".contains("0123456789abcdef") && "\(due[0].secret)" == "<secret>")
        #expect(try webhooks.due(excluding: [hook.webhook.id], limit: 8).isEmpty)
    }

    @Test("failures back off 1, 2, 4, 8, 16, 32 s (scaled), then the delivery is failed; 2xx delivers")
    func backoff() throws {
        let h = Harness()
        defer { h.cleanup() }
        let store = try h.store()
        let webhooks = try WebhookService(store: store, clock: h.clock, backoffFactor: 0.5)
        let hook = try webhooks.add(WebhookAddRequest(url: "http://127.0.0.1:9/hook", events: ["*"], secret: "0123456789abcdef")).webhook
        _ = try webhooks.test(hook.id)
        _ = try webhooks.test(hook.id)
        var waits: [Int64] = []
        for attempt in 1...WebhookLimits.maxAttempts {
            let due = try #require(try webhooks.due(excluding: [], limit: 8).first)
            #expect(due.attempts == attempt - 1)
            let state = try webhooks.record(due, status: 500, error: nil)
            guard state == .pending else {
                #expect(attempt == WebhookLimits.maxAttempts && state == .failed)
                break
            }
            // Not due before its backoff; due after it.
            #expect(try webhooks.due(excluding: [], limit: 8).isEmpty)
            let wait = try #require(try webhooks.nextDue(excluding: [])) - h.clock.nowMillis()
            waits.append(wait)
            h.clock.advance(seconds: Double(wait) / 1000)
        }
        #expect(waits == [500, 1000, 2000, 4000, 8000, 16000])
        let all = try webhooks.deliveries(of: hook.id, state: nil, limit: 10)
        #expect(all.map(\.state) == [.pending, .failed] && all[1].attempts.count == 7 && all[1].attempts[0].status == 500)
        // The next in line goes once the head is parked; a 2xx delivers it.
        let next = try #require(try webhooks.due(excluding: [], limit: 8).first)
        #expect(try webhooks.record(next, status: 204, error: nil) == .delivered)
        let listed = try #require(try webhooks.list().first)
        #expect(listed.delivered == 1 && listed.failed == 1 && listed.pending == 0)
        // Removing the webhook removes its deliveries; later records for it are dropped, not failed.
        try webhooks.remove(hook.id)
        #expect(throws: PortDaddyError.webhookNotFound(hook.id)) { try webhooks.remove(hook.id) }
        #expect(throws: PortDaddyError.webhookNotFound(hook.id)) { try webhooks.deliveries(of: hook.id, state: nil, limit: 1) }
    }

    @Test("caps: the 101st webhook is refused; beyond the pending cap the oldest pending deliveries are failed")
    func caps() throws {
        let h = Harness()
        defer { h.cleanup() }
        let store = try h.store()
        let webhooks = try WebhookService(store: store, clock: h.clock)
        var ids: [String] = []
        for _ in 0..<WebhookLimits.maxWebhooks {
            ids.append(try webhooks.add(WebhookAddRequest(url: "http://127.0.0.1:9/hook", events: ["*"])).webhook.id)
        }
        #expect(throws: PortDaddyError.webhookLimit) {
            try webhooks.add(WebhookAddRequest(url: "http://127.0.0.1:9/hook", events: ["*"]))
        }
        try webhooks.remove(ids[0])
        _ = try webhooks.add(WebhookAddRequest(url: "http://127.0.0.1:9/hook", events: ["*"]))
        // The store's cap, with a small limit: 5 queued against a cap of 3 → the 2 oldest are failed, with the reason.
        let deliveries = (1...5).map { n in
            NewWebhookDelivery(id: "d\(n)", webhook: ids[1], event: "claim.created", activityID: Int64(n), subject: "s\(n)", body: "{}")
        }
        try store.enqueueDeliveries(deliveries, at: h.clock.nowMillis(), maxPending: 3)
        let all = try webhooks.deliveries(of: ids[1], state: nil, limit: 10)
        #expect(all.map(\.id) == ["d5", "d4", "d3", "d2", "d1"])
        #expect(all.map(\.state) == [.pending, .pending, .pending, .failed, .failed])
        #expect(try webhooks.list().first { $0.id == ids[1] }?.lastError?.contains("outbox full") == true)
        // Deliveries for a webhook removed meanwhile are dropped without failing the transaction.
        try store.enqueueDeliveries([NewWebhookDelivery(id: "gone", webhook: ids[0], event: "x", body: "{}")], at: 0, maxPending: 3)
        #expect(try store.delivery(id: "gone") == nil)
    }
}
