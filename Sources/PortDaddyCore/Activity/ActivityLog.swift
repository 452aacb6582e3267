import PortDaddyAPI
import Synchronization

/// The append-only audit trail: who changed what, why, and when.
///
/// Records are queued in memory and written in batches (every flush, at most a fraction of a second apart,
/// and at shutdown), so the claim path pays for an array append, not a second transaction. A crash of the
/// daemon can lose the records of its last fraction of a second; the state changes themselves are already
/// committed. There is no route that deletes records; retention is by age.
public final class ActivityLog: Sendable {
    struct Pending {
        var at: Int64
        var type: String
        var actor: String?
        var subject: String
        var detail: String?
    }

    let store: any ActivityStore
    let clock: any WallClock
    let pending = Mutex<[Pending]>([])
    /// Records older than this are pruned.
    public let retentionSeconds: Double

    public init(store: any ActivityStore, clock: any WallClock = SystemWallClock(), retentionSeconds: Double = 30 * 86400) {
        self.store = store
        self.clock = clock
        self.retentionSeconds = retentionSeconds
    }

    /// Queues a record.
    public func record(_ type: String, actor: String? = nil, subject: String, detail: String? = nil) {
        let item = Pending(at: clock.nowMillis(), type: type, actor: actor, subject: subject, detail: detail)
        pending.withLock { $0.append(item) }
    }

    /// Writes queued records.
    public func flush() throws(PortDaddyError) {
        let batch = pending.withLock { queue -> [Pending] in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        guard !batch.isEmpty else { return }
        do {
            try store.appendActivity(batch.map { ($0.at, $0.type, $0.actor, $0.subject, $0.detail) })
        } catch {
            pending.withLock { $0.insert(contentsOf: batch, at: 0) }
            throw error
        }
    }

    /// Records at or after `since` (milliseconds), optionally of one type prefix (`lock` matches `lock.*`).
    public func list(since: Int64?, type: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo] {
        try flush()
        return try store.activity(since: since, typePrefix: type, limit: limit)
    }

    /// Records with an id above `afterID`, oldest first (a cursor for followers).
    public func list(afterID: Int64, type: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo] {
        try flush()
        return try store.activity(afterID: afterID, typePrefix: type, limit: limit)
    }

    @discardableResult
    public func prune() throws(PortDaddyError) -> Int {
        try store.pruneActivity(olderThan: clock.nowMillis() - Int64(retentionSeconds * 1000))
    }
}

/// Durable storage of activity records.
public protocol ActivityStore: Sendable {
    func appendActivity(_ records: [(at: Int64, type: String, actor: String?, subject: String, detail: String?)]) throws(PortDaddyError)
    func activity(since: Int64?, typePrefix: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo]
    func activity(afterID: Int64, typePrefix: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo]
    func pruneActivity(olderThan millis: Int64) throws(PortDaddyError) -> Int
}
