import Foundation
import GRDB
import PortDaddyAPI

/// A write queued for the next group commit. It is durable (to `synchronous=NORMAL` in WAL mode, as every
/// write of the store) once `wait()` returns without throwing; nothing may be acknowledged before that.
public struct PendingCommit: Sendable {
    let committer: GroupCommitter?
    let sequence: UInt64
    /// A barrier writes nothing itself: it waits for the writes queued before it and throws none of their errors
    /// (those go to their own callers).
    var isBarrier = false

    /// A commit with nothing to write: `wait()` returns at once.
    public static let nothing = PendingCommit(committer: nil, sequence: 0)

    /// Blocks until the transaction holding this write has committed; throws what made it fail.
    public func wait() throws(PortDaddyError) {
        try committer?.wait(for: sequence, isBarrier: isBarrier)
    }
}

/// The second half of a change that was decided and queued for the group commit but not committed yet:
/// ``finish()`` waits for the commit (sharing it with everything queued meanwhile) and returns the answer. A
/// caller that serves many requests at once (an IPC event loop) decides all it has read, then finishes them
/// together: one transaction for all, and still nobody answered before the commit.
public struct AfterCommit<Value> {
    let body: () throws(PortDaddyError) -> Value

    init(_ body: @escaping () throws(PortDaddyError) -> Value) { self.body = body }

    /// Waits for the commit, then completes the change (undone if the commit failed) and returns its answer.
    public func finish() throws(PortDaddyError) -> Value { try body() }
}

/// Group commit (leader/follower): writes are queued in the order they are submitted, and whoever waits first
/// while no transaction is running becomes the leader and commits everything queued so far in one transaction;
/// the others wait for it, and what arrives meanwhile goes into the next one. One caller alone commits at once
/// (no timer, no added latency); concurrent callers share transactions.
///
/// Callers submit while holding their service's state lock, so the queue has the order in which the in-memory
/// state changed, and wait after letting go of it, so other callers can decide and queue meanwhile. If the
/// shared transaction fails, each write is retried in its own so one bad write fails only its caller.
final class GroupCommitter: Sendable {
    typealias Work = @Sendable (Database) throws -> Void

    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var pending: [(sequence: UInt64, work: Work)] = []
        var lastSubmitted: UInt64 = 0
        var lastCompleted: UInt64 = 0
        var committing = false
        var failures: [UInt64: PortDaddyError] = [:]
    }

    private let pool: DatabasePool
    private let queue = Queue()

    init(pool: DatabasePool) { self.pool = pool }

    /// Queues `work` for the next transaction.
    func submit(_ work: @escaping Work) -> PendingCommit {
        queue.condition.lock()
        defer { queue.condition.unlock() }
        queue.lastSubmitted += 1
        queue.pending.append((queue.lastSubmitted, work))
        return PendingCommit(committer: self, sequence: queue.lastSubmitted)
    }

    /// A commit that completes once every write queued so far has: for answers that write nothing themselves
    /// but rest on state another caller changed and may not have committed yet.
    func barrier() -> PendingCommit {
        queue.condition.lock()
        defer { queue.condition.unlock() }
        return PendingCommit(committer: self, sequence: queue.lastSubmitted, isBarrier: true)
    }

    /// Queues `work` and waits for its commit.
    func write(_ work: @escaping Work) throws(PortDaddyError) {
        try submit(work).wait()
    }

    func wait(for sequence: UInt64, isBarrier: Bool = false) throws(PortDaddyError) {
        let q = queue
        q.condition.lock()
        defer { q.condition.unlock() }
        while q.lastCompleted < sequence {
            guard !q.committing else {
                q.condition.wait()
                continue
            }
            q.committing = true
            let batch = q.pending
            q.pending.removeAll(keepingCapacity: true)
            q.condition.unlock()
            let failures = commit(batch)
            q.condition.lock()
            q.failures.merge(failures) { $1 }
            q.lastCompleted = batch.last?.sequence ?? q.lastCompleted
            q.committing = false
            q.condition.broadcast()
        }
        if !isBarrier, let failure = q.failures.removeValue(forKey: sequence) { throw failure }
    }

    /// Runs `batch` in one transaction; when that fails, each write in its own. Returns the writes that failed.
    private func commit(_ batch: [(sequence: UInt64, work: Work)]) -> [UInt64: PortDaddyError] {
        guard !batch.isEmpty else { return [:] }
        do {
            try pool.write { db in for item in batch { try item.work(db) } }
            return [:]
        } catch {
            guard batch.count > 1 else { return [batch[0].sequence: Self.storageError(error)] }
        }
        var failures: [UInt64: PortDaddyError] = [:]
        for item in batch {
            do { try pool.write { db in try item.work(db) } } catch { failures[item.sequence] = Self.storageError(error) }
        }
        return failures
    }

    static func storageError(_ error: any Error) -> PortDaddyError {
        (error as? PortDaddyError) ?? .storage(String(describing: error))
    }
}
