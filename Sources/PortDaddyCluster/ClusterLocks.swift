import Foundation
import PortDaddyAPI
import PortDaddyCore
import PostgresNIO
import Synchronization

/// Locks shared by every node, decided in PostgreSQL by `pd_lock_try`, `pd_lock_release` and `pd_lock_extend` (one
/// round trip each, serialized per name by a transaction advisory lock). Fencing tokens come from `lock_tokens` in
/// the granting transaction, so they grow strictly across nodes, restarts and outages: a grant that did not commit
/// gave no token to anyone.
///
/// A waiter queues a row in `lock_waiters` (FIFO by id, across nodes) and retries when a release is announced on
/// `pd_locks` (LISTEN/NOTIFY), or every quarter second, whichever comes first. A lock whose node's lease ran out is
/// free: the node vanished or lost PostgreSQL, and a later holder's larger token fences off any write it still makes.
final class ClusterLocks: SharedLocks {
    let link: PostgresLink
    var node: String { link.settings.node }
    /// Parked waiters of this node by lock name, woken by notifications.
    let parked = Mutex<(next: UInt64, byName: [String: [UInt64: CheckedContinuation<Void, Never>]], cancelled: Bool)>((0, [:], false))
    /// The longest a waiter sleeps between tries when no notification comes.
    let pollInterval: Duration = .milliseconds(250)

    init(link: PostgresLink) { self.link = link }

    struct Attempt {
        var granted: Bool
        var token: Int64
        var acquiredAt: Int64
        var expiresAt: Int64
        var holder: String
        var holderExpires: Int64
        var waiter: Int64
    }

    func attempt(_ command: LockCommand, pidStart: UInt64?, waiter: Int64, queue: Bool, waitMillis: Int64) throws(PortDaddyError) -> Attempt {
        let ttl = Int64(command.ttlSeconds * 1000)
        let pid: Int32? = command.pid
        let start = pidStart.map { Int64(bitPattern: $0) }
        let result = try link.query(
            """
            SELECT * FROM pd_lock_try(\(command.name.value), \(command.owner), \(node), \(pid), \(start), \(ttl), \(waiter), \(queue), \(waitMillis))
            """)
        guard let row = result.rows.first else { throw .storage("cluster: pd_lock_try returned nothing") }
        do {
            let (granted, token, acquired, expires, holder, holderExpires, waiterID) = try row.decode(
                (Bool, Int64, Int64, Int64, String, Int64, Int64).self)
            return Attempt(
                granted: granted, token: token, acquiredAt: acquired, expiresAt: expires, holder: holder, holderExpires: holderExpires,
                waiter: waiterID)
        } catch {
            throw .storage("cluster: unreadable pd_lock_try row: \(error)")
        }
    }

    func lock(_ command: LockCommand, pidStart: UInt64?, _ a: Attempt) -> Lock {
        Lock(
            name: command.name, owner: command.owner, pid: command.pid, pidStart: pidStart, token: a.token, acquiredAt: a.acquiredAt,
            expiresAt: a.expiresAt)
    }

    func acquireNow(_ command: LockCommand, pidStart: UInt64?) throws(PortDaddyError) -> Lock {
        let a = try attempt(command, pidStart: pidStart, waiter: 0, queue: false, waitMillis: 0)
        guard a.granted else { throw .lockHeld(name: command.name.value, holder: a.holder, expiresAt: a.holderExpires) }
        return lock(command, pidStart: pidStart, a)
    }

    func acquire(_ command: LockCommand, pidStart: UInt64?) async throws -> Lock {
        let waitMillis = Int64(command.waitSeconds * 1000)
        var a = try attempt(command, pidStart: pidStart, waiter: 0, queue: waitMillis > 0, waitMillis: waitMillis)
        if a.granted { return lock(command, pidStart: pidStart, a) }
        guard waitMillis > 0 else { throw PortDaddyError.lockHeld(name: command.name.value, holder: a.holder, expiresAt: a.holderExpires) }
        let deadline = ContinuousClock.now + .milliseconds(waitMillis)
        var waiter = a.waiter
        do {
            while true {
                try Task.checkCancellation()
                let remaining = deadline - ContinuousClock.now
                if remaining <= .zero { throw PortDaddyError.lockTimeout(name: command.name.value, holder: a.holder) }
                await park(command.name.value, atMost: min(remaining, pollInterval))
                try Task.checkCancellation()
                if parked.withLock({ $0.cancelled }) { throw CancellationError() }
                let left = max(1, Self.millis(deadline - ContinuousClock.now))
                a = try attempt(command, pidStart: pidStart, waiter: waiter, queue: true, waitMillis: left)
                waiter = a.waiter
                if a.granted { return lock(command, pidStart: pidStart, a) }
            }
        } catch {
            if waiter > 0 { _ = try? link.query("DELETE FROM lock_waiters WHERE id = \(waiter)") }
            throw error
        }
    }

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Sleeps until a release of `name` is announced, the interval passes, or the task is cancelled.
    func park(_ name: String, atMost interval: Duration) async {
        let id = parked.withLock { p -> UInt64 in
            p.next += 1
            return p.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parkedNow = parked.withLock { p -> Bool in
                    if p.cancelled || Task.isCancelled { return false }
                    p.byName[name, default: [:]][id] = continuation
                    return true
                }
                guard parkedNow else { return continuation.resume() }
                Task { [weak self] in
                    try? await Task.sleep(for: interval)
                    self?.wake(name, only: id)
                }
            }
        } onCancel: {
            wake(name, only: id)
        }
    }

    /// Wakes this node's waiters for `name` (every waiter for `*`), or only the one with `id`.
    func wake(_ name: String, only id: UInt64? = nil) {
        let woken = parked.withLock { p -> [CheckedContinuation<Void, Never>] in
            if name == "*" {
                defer { p.byName.removeAll() }
                return p.byName.values.flatMap(\.values)
            }
            if let id { return p.byName[name]?.removeValue(forKey: id).map { [$0] } ?? [] }
            return p.byName.removeValue(forKey: name).map { Array($0.values) } ?? []
        }
        for continuation in woken { continuation.resume() }
    }

    func release(name: LockName, owner: String, token: Int64?, force: Bool) throws(PortDaddyError) -> Lock? {
        let row = try outcome("SELECT * FROM pd_lock_release(\(name.value), \(owner), \(token), \(force))")
        switch row.outcome {
        case "released": return row.lock(name)
        case "not_owner": throw .notLockOwner(name: name.value, holder: row.owner ?? "")
        default: return nil
        }
    }

    func extend(name: LockName, owner: String, ttlSeconds: Double?) throws(PortDaddyError) -> Lock {
        let ttl = ttlSeconds.map { Int64($0 * 1000) }
        let row = try outcome("SELECT * FROM pd_lock_extend(\(name.value), \(owner), \(ttl))")
        switch row.outcome {
        case "extended": return row.lock(name)!
        case "not_owner": throw .notLockOwner(name: name.value, holder: row.owner ?? "")
        default: throw .notFound("lock \(name) is not held; take it with pd lock \(name)")
        }
    }

    struct OutcomeRow {
        var outcome: String
        var owner: String?
        var node: String?
        var pid: Int?
        var pidStart: Int64?
        var token: Int64?
        var acquiredAt: Int64?
        var expiresAt: Int64?

        func lock(_ name: LockName) -> Lock? {
            guard let owner, let token, let acquiredAt, let expiresAt else { return nil }
            return Lock(
                name: name, owner: owner, pid: pid.map(Int32.init), pidStart: pidStart.map { UInt64(bitPattern: $0) }, token: token,
                acquiredAt: acquiredAt, expiresAt: expiresAt)
        }
    }

    func outcome(_ query: PostgresQuery) throws(PortDaddyError) -> OutcomeRow {
        guard let row = try link.query(query).rows.first else { throw .storage("cluster: a lock function returned nothing") }
        do {
            let v = try row.decode((String, String?, String?, Int?, Int64?, Int64?, Int64?, Int64?).self)
            return OutcomeRow(outcome: v.0, owner: v.1, node: v.2, pid: v.3, pidStart: v.4, token: v.5, acquiredAt: v.6, expiresAt: v.7)
        } catch {
            throw .storage("cluster: unreadable lock row: \(error)")
        }
    }

    /// Live locks: unexpired, on nodes whose lease is current.
    func list() throws(PortDaddyError) -> [(lock: Lock, waiters: Int)] {
        let rows = try link.query(
            """
            SELECT l.name, l.owner, l.pid, l.pid_start, l.token, l.acquired_at, l.expires_at,
                (SELECT count(*) FROM lock_waiters w WHERE w.name = l.name AND w.deadline > pd_now() AND pd_node_alive(w.node, pd_now()))
            FROM locks l WHERE l.expires_at > pd_now() AND pd_node_alive(l.node, pd_now()) ORDER BY l.name
            """)
        var held: [(lock: Lock, waiters: Int)] = []
        for row in rows.rows {
            guard let v = try? row.decode((String, String, Int?, Int64?, Int64, Int64, Int64, Int64).self) else {
                throw .storage("cluster: unreadable lock row")
            }
            guard let name = try? LockName(parsing: v.0) else { continue }
            let lock = Lock(
                name: name, owner: v.1, pid: v.2.map(Int32.init), pidStart: v.3.map { UInt64(bitPattern: $0) }, token: v.4,
                acquiredAt: v.5, expiresAt: v.6)
            held.append((lock, Int(v.7)))
        }
        return held
    }

    func waiters(on name: LockName) throws(PortDaddyError) -> Int {
        let rows = try link.query(
            """
            SELECT count(*) FROM lock_waiters w
            WHERE w.name = \(name.value) AND w.deadline > pd_now() AND pd_node_alive(w.node, pd_now())
            """)
        return Int((try? rows.rows.first?.decode(Int64.self)) ?? 0)
    }

    func releaseAll(ownedBy owner: String, acquiredBy cutoff: Int64?) -> [Lock] {
        guard let held = try? list().map(\.lock).filter({ $0.owner == owner && (cutoff == nil || $0.acquiredAt <= cutoff!) }) else { return [] }
        return held.compactMap { try? release(name: $0.name, owner: owner, token: $0.token, force: false) }
    }

    func reap(processes: any ProcessProber) throws(PortDaddyError) -> [LockService.Freed] {
        var freed: [LockService.Freed] = []
        let stale = try link.query(
            """
            SELECT l.name, l.owner, l.token, l.expires_at <= pd_now() FROM locks l
            WHERE l.expires_at <= pd_now() OR NOT pd_node_alive(l.node, pd_now())
            """)
        for row in stale.rows {
            guard let (name, owner, token, expired) = try? row.decode((String, String, Int64, Bool).self),
                let lockName = try? LockName(parsing: name),
                let lock = try release(name: lockName, owner: owner, token: token, force: true)
            else { continue }
            freed.append(LockService.Freed(lock: lock, reason: expired ? "expired" : "node-lease-expired"))
        }
        let mine = try link.query("SELECT l.name, l.owner, l.pid, l.pid_start, l.token FROM locks l WHERE l.node = \(node) AND l.pid IS NOT NULL")
        for row in mine.rows {
            guard let (name, owner, pid, start, token) = try? row.decode((String, String, Int, Int64?, Int64).self),
                !processes.isAlive(pid: Int32(pid), start: start.map { UInt64(bitPattern: $0) }), let lockName = try? LockName(parsing: name),
                let lock = try release(name: lockName, owner: owner, token: token, force: true)
            else { continue }
            freed.append(LockService.Freed(lock: lock, reason: "owner-dead"))
        }
        return freed
    }

    func cancelAllWaiters() {
        let woken = parked.withLock { p -> [CheckedContinuation<Void, Never>] in
            p.cancelled = true
            defer { p.byName.removeAll() }
            return p.byName.values.flatMap(\.values)
        }
        for continuation in woken { continuation.resume() }
    }
}
