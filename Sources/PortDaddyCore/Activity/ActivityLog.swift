import PortDaddyAPI
import Synchronization

/// The append-only audit trail: who changed what, why, and when.
///
/// Records are queued in memory and written in batches (every flush, at most a fraction of a second apart,
/// and at shutdown), so the claim path pays for an array append, not a second transaction. A crash of the
/// daemon can lose the records of its last fraction of a second; the state changes themselves are already
/// committed. There is no route that deletes records; retention is by age.
///
/// It is also the daemon's event stream: each flush pushes the records it wrote, with their persisted ids, to
/// live followers (``follow(after:type:)``), so nobody polls the store for news. A follower replays what came
/// after its cursor from the store first, which is how `Last-Event-ID` and `?after=` resume.
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
    /// Held while a batch is written and pushed, so followers receive the records in id order.
    let flushing = Mutex<Void>(())
    /// The live followers.
    public let events = ActivityEvents()
    /// Writes what the records cause (webhook deliveries) in the records' own transaction.
    let outbox = Mutex<(any ActivityOutbox)?>(nil)
    /// Records older than this are pruned.
    public let retentionSeconds: Double

    public init(store: any ActivityStore, clock: any WallClock = SystemWallClock(), retentionSeconds: Double = 30 * 86400) {
        self.store = store
        self.clock = clock
        self.retentionSeconds = retentionSeconds
    }

    /// Sets the outbox every later flush writes through.
    public func attach(outbox: any ActivityOutbox) {
        self.outbox.withLock { $0 = outbox }
    }

    /// Queues a record.
    public func record(_ kind: ActivityKind, actor: String? = nil, subject: String, detail: String? = nil) {
        let item = Pending(at: clock.nowMillis(), type: kind.rawValue, actor: actor, subject: subject, detail: detail)
        pending.withLock { $0.append(item) }
    }

    /// Writes queued records and pushes them, with their ids, to the followers.
    public func flush() throws(PortDaddyError) {
        try flushing.withLock { (_: inout Void) throws(PortDaddyError) -> Void in
            let batch = pending.withLock { queue -> [Pending] in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            guard !batch.isEmpty else { return }
            let rows = batch.map { ($0.at, $0.type, $0.actor, $0.subject, $0.detail) }
            let store = self.store
            let append = { () throws(PortDaddyError) -> [ActivityInfo] in try store.appendActivity(rows) }
            let outbox = self.outbox.withLock { $0 }
            let result = Result { () throws(PortDaddyError) -> [ActivityInfo] in
                if let outbox { return try outbox.appending(append) }
                return try append()
            }
            switch result {
            case .success(let written):
                events.publish(written)
            case .failure(let error):
                pending.withLock { $0.insert(contentsOf: batch, at: 0) }
                throw error
            }
        }
    }

    /// The id of the newest record (0 when there is none), after writing what is queued.
    public func newestID() throws(PortDaddyError) -> Int64 {
        try list(since: nil, type: nil, limit: 1).last?.id ?? 0
    }

    /// Follows the records after `cursor` (of one type prefix when `type` is given): those already stored first,
    /// then each new one as it is written. Start iterating soon: records pushed meanwhile are buffered.
    public func follow(after cursor: Int64, type: String? = nil) -> ActivityFollower {
        ActivityFollower(store: store, events: events, after: cursor, type: type)
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

/// What must be written in the same transaction as the activity records that cause it (a webhook's deliveries), so a
/// crash keeps both or neither.
public protocol ActivityOutbox: Sendable {
    /// Runs `append` (which writes the records and returns them with their ids) and writes what they cause, as one
    /// transaction.
    func appending(_ append: () throws(PortDaddyError) -> [ActivityInfo]) throws(PortDaddyError) -> [ActivityInfo]
}

/// Durable storage of activity records.
public protocol ActivityStore: Sendable {
    /// Appends records in order; returns them with the ids they were given.
    func appendActivity(_ records: [(at: Int64, type: String, actor: String?, subject: String, detail: String?)]) throws(PortDaddyError)
        -> [ActivityInfo]
    func activity(since: Int64?, typePrefix: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo]
    func activity(afterID: Int64, typePrefix: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo]
    func pruneActivity(olderThan millis: Int64) throws(PortDaddyError) -> Int
}
