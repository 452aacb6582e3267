import PortDaddyAPI

/// The names webhooks receive, and how the activity log's records map to them.
///
/// Only what the activity log records is delivered; `message.published` (channel messages are not activity records)
/// is not.
public enum WebhookEvents {
    /// Every event a webhook can subscribe to.
    public static let all: [String] = [
        "claim.created", "claim.released", "claim.reaped",
        "lock.acquired", "lock.released", "lock.broken",
        "agent.registered", "agent.dead",
        "session.begun", "session.done", "session.salvaged",
        "run.started", "run.succeeded", "run.failed", "run.killed",
        "budget.pending", "panic.confirmed", "arbiter.violation",
    ]

    /// The event of `pd webhooks test` (sent whatever the webhook subscribed to).
    public static let test = "webhook.test"

    /// The families `family.*` can name.
    static let families = Set(all.map { String($0.prefix(while: { $0 != "." })) })

    /// The event an activity record is delivered as, or nil when it is not delivered.
    public static func name(of record: ActivityInfo) -> String? {
        switch ActivityKind(rawValue: record.type) {
        case .claim: return "claim.created"
        case .claimRelease: return "claim.released"
        case .claimReap: return "claim.reaped"
        case .lock: return "lock.acquired"
        case .lockRelease, .lockReap: return "lock.released"
        case .lockForce: return "lock.broken"
        case .agentRegister: return "agent.registered"
        case .agentDead: return "agent.dead"
        case .sessionBegin: return "session.begun"
        case .sessionDone: return "session.done"
        case .salvageClaim: return "session.salvaged"
        case .runStart: return "run.started"
        case .runEnd: return runEnd(detail: record.detail)
        case .runLost: return "run.failed"
        case .budgetPending: return "budget.pending"
        case .panicConfirmed: return "panic.confirmed"
        case .arbiterViolation: return "arbiter.violation"
        default: return nil
        }
    }

    /// `run.end`'s detail starts with the run's final state (`succeeded …`, `failed …`, `killed …`, `lost …`).
    static func runEnd(detail: String?) -> String {
        let state = RunState(rawValue: String((detail ?? "").prefix(while: { $0 != " " })))
        switch state {
        case .succeeded: return "run.succeeded"
        case .killed: return "run.killed"
        default: return "run.failed"
        }
    }

    /// Checks and normalizes subscriptions: each is `*`, a known event, or a known `family.*`; duplicates are dropped.
    public static func validate(_ patterns: [String]) throws(PortDaddyError) -> [String] {
        var result: [String] = []
        for raw in patterns.flatMap({ $0.split(separator: ",") }) {
            let pattern = raw.trimmingWhitespace().lowercased()
            guard !pattern.isEmpty else { continue }
            let known =
                pattern == "*" || all.contains(pattern)
                || (pattern.hasSuffix(".*") && families.contains(String(pattern.dropLast(2))))
            guard known else {
                throw .invalidRequest(
                    "\"\(pattern)\" is not a webhook event; use *, a family (claim.*, lock.*, …) or one of \(all.joined(separator: ", "))")
            }
            if !result.contains(pattern) { result.append(pattern) }
        }
        guard !result.isEmpty else { throw .invalidRequest("name at least one event (--events claim.*,lock.*)") }
        return result
    }

    /// Whether an event is subscribed by any of `patterns`.
    public static func matches(_ patterns: [String], event: String) -> Bool {
        patterns.contains { pattern in
            pattern == "*" || pattern == event || (pattern.hasSuffix(".*") && event.hasPrefix(pattern.dropLast(1)))
        }
    }
}
