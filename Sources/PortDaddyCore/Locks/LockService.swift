import PortDaddyAPI
import Synchronization

/// Owns the lock rules: atomic acquire, fencing tokens that only grow, a fair (FIFO) server-side queue for
/// callers that wait, owner-only release and extend, and release of locks whose owner died or whose TTL passed.
/// Grants, releases and reaps are recorded in the activity log (when it has one) by the service itself.
///
/// Every change waits for its group commit inside the state lock (the store before the index, as the fencing
/// tokens require): lock writes share transactions with concurrent claims, though not with each other.
public final class LockService: Sendable {
    struct Waiter {
        let id: UInt64
        let command: LockCommand
        let pidStart: UInt64?
        let continuation: CheckedContinuation<Lock, any Error>
    }

    struct State {
        var locks: [LockName: Lock] = [:]
        var tokens: [String: Int64] = [:]
        var waiters: [LockName: [Waiter]] = [:]
        var nextWaiterID: UInt64 = 0
        /// Tokens whose expiry already has a watchdog (so a queue behind it moves on time).
        var watched: Set<Int64> = []
    }

    /// A lock that was freed, and why.
    public struct Freed: Sendable, Equatable {
        public var lock: Lock
        public var reason: String

        public init(lock: Lock, reason: String) {
            self.lock = lock
            self.reason = reason
        }
    }

    let store: any LockStore
    let processes: any ProcessProber
    let clock: any WallClock
    let state: Mutex<State>
    /// Where grants, releases and reaps are recorded.
    let activity: ActivityLog?
    /// Cluster mode: the locks every node shares, which decide instead of this process's memory (nil: one machine).
    public let shared: (any SharedLocks)?

    public init(
        store: any LockStore, processes: any ProcessProber = SystemProcessProber(), clock: any WallClock = SystemWallClock(),
        activity: ActivityLog? = nil, shared: (any SharedLocks)? = nil
    ) throws(PortDaddyError) {
        self.store = store
        self.activity = activity
        self.processes = processes
        self.clock = clock
        self.shared = shared
        var initial = State()
        if shared == nil {
            for lock in try store.loadLocks() { initial.locks[lock.name] = lock }
            initial.tokens = try store.loadLockTokens()
        }
        state = Mutex(initial)
    }

    /// Takes a lock now, or queues for it (FIFO) up to `command.waitSeconds`; records the grant as `lock`.
    public func acquire(_ command: LockCommand) async throws -> Lock {
        let lock = try await acquireUnrecorded(command)
        activity?.record(.lock, actor: lock.owner, subject: lock.name.value, detail: "token \(lock.token)")
        return lock
    }

    func acquireUnrecorded(_ command: LockCommand) async throws -> Lock {
        let pidStart = command.pid.flatMap { processes.startTime(of: $0) }
        if let shared { return try await shared.acquire(command, pidStart: pidStart) }
        let name = command.name
        let id = state.withLock { st -> UInt64 in
            st.nextWaiterID += 1
            return st.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lock, any Error>) in
                let outcome: Result<Lock, any Error>? = state.withLock { st in
                    if let immediate = attempt(command, pidStart: pidStart, queues: command.waitSeconds > 0, in: &st) {
                        return immediate.mapError { $0 }
                    }
                    // Cancelled before it could queue (its cancellation handler found nothing to remove): do not queue.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    st.waiters[name, default: []].append(Waiter(id: id, command: command, pidStart: pidStart, continuation: continuation))
                    if let holder = st.locks[name], !st.watched.contains(holder.token) {
                        st.watched.insert(holder.token)
                        scheduleExpiryCheck(name: name, token: holder.token, at: holder.expiresAt)
                    }
                    return nil
                }
                switch outcome {
                case .success(let lock): continuation.resume(returning: lock)
                case .failure(let error): continuation.resume(throwing: error)
                case nil:
                    let seconds = command.waitSeconds
                    Task { [weak self] in
                        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                        self?.abandon(waiter: id, name: name, timedOut: true)
                    }
                }
            }
        } onCancel: {
            abandon(waiter: id, name: name, timedOut: false)
        }
    }

    /// Takes a lock now or fails with `lockHeld`, without suspending: for callers on an event loop (the IPC
    /// socket), which must not wait. `command.waitSeconds` is ignored.
    public func acquireNow(_ command: LockCommand) throws(PortDaddyError) -> Lock {
        let pidStart = command.pid.flatMap { processes.startTime(of: $0) }
        let lock: Lock
        if let shared {
            lock = try shared.acquireNow(command, pidStart: pidStart)
        } else {
            let outcome = state.withLock { st in attempt(command, pidStart: pidStart, queues: false, in: &st) }
            guard let outcome else { throw .lockHeld(name: command.name.value, holder: "a queued caller", expiresAt: clock.nowMillis()) }
            lock = try outcome.get()
        }
        activity?.record(.lock, actor: lock.owner, subject: lock.name.value, detail: "token \(lock.token)")
        return lock
    }

    /// Releases a lock held by `owner` (or anyone's, with `force`). With `token`, only if it still carries it.
    /// Returns the released lock, or `nil` when nothing matching was held. Recorded as `lock.release`, or
    /// `lock.force` when it was someone else's.
    @discardableResult
    public func release(name: LockName, owner: String, token: Int64? = nil, force: Bool = false) throws(PortDaddyError) -> Lock? {
        let released = try releaseUnrecorded(name: name, owner: owner, token: token, force: force)
        if let released {
            activity?.record(
                released.owner != owner ? .lockForce : .lockRelease, actor: owner.isEmpty ? nil : owner, subject: name.value,
                detail: "token \(released.token), held by \(released.owner)")
        }
        return released
    }

    func releaseUnrecorded(name: LockName, owner: String, token: Int64? = nil, force: Bool = false) throws(PortDaddyError) -> Lock? {
        if let shared { return try shared.release(name: name, owner: owner, token: token, force: force) }
        let now = clock.nowMillis()
        let (released, resumptions) = try state.withLock { (st: inout State) throws(PortDaddyError) -> (Lock?, [() -> Void]) in
            guard let held = st.locks[name] else { return (nil, []) }
            if let token, token != held.token { return (nil, []) }
            if held.owner != owner && !force { throw .notLockOwner(name: name.value, holder: held.owner) }
            return (held, try release(held, reason: force && held.owner != owner ? "forced" : "released", in: &st, now: now))
        }
        resumptions.forEach { $0() }
        return released
    }

    /// Extends a lock held by `owner` to expire `ttlSeconds` from now (default: the TTL it was taken with).
    public func extend(name: LockName, owner: String, ttlSeconds: Double? = nil) throws(PortDaddyError) -> Lock {
        if let shared { return try shared.extend(name: name, owner: owner, ttlSeconds: ttlSeconds) }
        let now = clock.nowMillis()
        return try state.withLock { (st: inout State) throws(PortDaddyError) -> Lock in
            guard var held = st.locks[name], !isStale(held, now: now) else {
                throw .notFound("lock \(name) is not held; take it with pd lock \(name)")
            }
            guard held.owner == owner else { throw .notLockOwner(name: name.value, holder: held.owner) }
            let ttl = ttlSeconds.map { Int64($0 * 1000) } ?? (held.expiresAt - held.acquiredAt)
            held.expiresAt = now + ttl
            try store.saveLock(held).wait()
            st.locks[name] = held
            return held
        }
    }

    /// How many callers queue for `name` (the figure a grant answers with; in cluster mode 0 while the cluster is
    /// unreachable).
    public func waiters(on name: LockName) -> Int {
        if let shared { return (try? shared.waiters(on: name)) ?? 0 }
        return state.withLock { $0.waiters[name]?.count ?? 0 }
    }

    /// Held locks with the number of callers queued for each, by name (in cluster mode, none while the cluster is
    /// unreachable: use ``listChecked()`` where that must be an error).
    public func list() -> [(lock: Lock, waiters: Int)] {
        (try? listChecked()) ?? []
    }

    /// Held locks with the number of callers queued for each, by name; `CLUSTER_UNAVAILABLE` when the shared locks
    /// cannot be read.
    public func listChecked() throws(PortDaddyError) -> [(lock: Lock, waiters: Int)] {
        if let shared { return try shared.list() }
        return state.withLock { st in
            st.locks.values.sorted { $0.name.value < $1.name.value }.map { ($0, st.waiters[$0.name]?.count ?? 0) }
        }
    }

    /// Releases every lock `owner` holds (an agent that died or unregistered). With `acquiredBy`, only locks
    /// granted no later than that time (milliseconds since 1970): a lock the owner took after it was declared
    /// dead (it came back) is its own again. Not recorded here: the caller records why.
    @discardableResult
    public func releaseAll(ownedBy owner: String, acquiredBy cutoff: Int64? = nil) -> [Lock] {
        if let shared { return shared.releaseAll(ownedBy: owner, acquiredBy: cutoff) }
        let held = state.withLock { st in st.locks.values.filter { $0.owner == owner && (cutoff == nil || $0.acquiredAt <= cutoff!) } }
        return held.compactMap { try? releaseUnrecorded(name: $0.name, owner: owner, token: $0.token) }
    }

    /// Fails every queued waiter (graceful shutdown): they get `CancellationError` and their requests end.
    public func cancelAllWaiters() {
        shared?.cancelAllWaiters()
        let all = state.withLock { st -> [Waiter] in
            defer { st.waiters.removeAll() }
            return st.waiters.values.flatMap { $0 }
        }
        for waiter in all { waiter.continuation.resume(throwing: CancellationError()) }
    }

    /// Releases locks whose TTL passed or whose owner process died, handing each to its next waiter.
    @discardableResult
    public func reap() throws(PortDaddyError) -> [Freed] {
        let freed = try reapUnrecorded()
        for item in freed {
            activity?.record(.lockReap, subject: item.lock.name.value, detail: "token \(item.lock.token), \(item.lock.owner): \(item.reason)")
        }
        return freed
    }

    func reapUnrecorded() throws(PortDaddyError) -> [Freed] {
        if let shared { return try shared.reap(processes: processes) }
        let now = clock.nowMillis()
        let snapshot = state.withLock { Array($0.locks.values) }
        let stale = snapshot.filter { isStale($0, now: now) }
        guard !stale.isEmpty else { return [] }
        var freed: [Freed] = []
        var resumptions: [() -> Void] = []
        try state.withLock { (st: inout State) throws(PortDaddyError) in
            for lock in stale where st.locks[lock.name]?.token == lock.token {
                let reason = now >= lock.expiresAt ? "expired" : "owner-dead"
                resumptions += try release(lock, reason: reason, in: &st, now: now)
                freed.append(Freed(lock: lock, reason: reason))
            }
        }
        resumptions.forEach { $0() }
        return freed
    }

    // MARK: - Internals (called with the state lock held)

    /// What an acquire gets at once: the lock (a stale holder is released first), `lockHeld` when it may not
    /// queue, or nil when it has to queue.
    func attempt(_ command: LockCommand, pidStart: UInt64?, queues: Bool, in st: inout State) -> Result<Lock, PortDaddyError>? {
        let now = clock.nowMillis()
        let name = command.name
        if let held = st.locks[name], isStale(held, now: now) {
            do throws(PortDaddyError) {
                let resumptions = try release(held, reason: "stale", in: &st, now: now)
                for resume in resumptions { resume() }
            } catch {
                return .failure(error)
            }
        }
        if st.locks[name] == nil && (st.waiters[name]?.isEmpty ?? true) {
            do throws(PortDaddyError) {
                return .success(try grant(command, pidStart: pidStart, in: &st, now: now))
            } catch {
                return .failure(error)
            }
        }
        guard queues else {
            let holder = st.locks[name]
            return .failure(.lockHeld(name: name.value, holder: holder?.owner ?? "a queued caller", expiresAt: holder?.expiresAt ?? now))
        }
        return nil
    }

    func isStale(_ lock: Lock, now: Int64) -> Bool {
        if now >= lock.expiresAt { return true }
        if lock.pid != nil && !processes.isAlive(pid: lock.pid, start: lock.pidStart) { return true }
        return false
    }

    func grant(_ command: LockCommand, pidStart: UInt64?, in st: inout State, now: Int64) throws(PortDaddyError) -> Lock {
        let token = (st.tokens[command.name.value] ?? 0) + 1
        let lock = Lock(
            name: command.name, owner: command.owner, pid: command.pid, pidStart: pidStart, token: token,
            acquiredAt: now, expiresAt: now + Int64(command.ttlSeconds * 1000))
        try store.saveLock(lock).wait()
        st.locks[command.name] = lock
        st.tokens[command.name.value] = token
        return lock
    }

    /// Frees `lock` and hands it to the first waiter, persisting both in one transaction. Returns the
    /// continuation resumptions to run once the state lock is released.
    func release(_ lock: Lock, reason: String, in st: inout State, now: Int64) throws(PortDaddyError) -> [() -> Void] {
        st.watched.remove(lock.token)
        guard var queue = st.waiters[lock.name], !queue.isEmpty else {
            try store.deleteLock(lock.name, token: lock.token).wait()
            st.locks[lock.name] = nil
            return []
        }
        let next = queue.removeFirst()
        st.waiters[lock.name] = queue.isEmpty ? nil : queue
        let token = (st.tokens[lock.name.value] ?? 0) + 1
        let granted = Lock(
            name: lock.name, owner: next.command.owner, pid: next.command.pid, pidStart: next.pidStart, token: token,
            acquiredAt: now, expiresAt: now + Int64(next.command.ttlSeconds * 1000))
        do {
            try store.handOver(from: lock, to: granted).wait()
        } catch {
            st.waiters[lock.name, default: []].insert(next, at: 0)
            throw error
        }
        st.locks[lock.name] = granted
        st.tokens[lock.name.value] = token
        if !queue.isEmpty {
            st.watched.insert(granted.token)
            scheduleExpiryCheck(name: lock.name, token: granted.token, at: granted.expiresAt)
        }
        return [{ next.continuation.resume(returning: granted) }]
    }

    /// Removes a waiter that timed out or was cancelled, if it is still queued.
    func abandon(waiter id: UInt64, name: LockName, timedOut: Bool) {
        let removed: (Waiter, String)? = state.withLock { st in
            guard var queue = st.waiters[name], let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = queue.remove(at: index)
            st.waiters[name] = queue.isEmpty ? nil : queue
            return (waiter, st.locks[name]?.owner ?? "nobody")
        }
        guard let (waiter, holder) = removed else { return }
        if timedOut {
            waiter.continuation.resume(throwing: PortDaddyError.lockTimeout(name: name.value, holder: holder))
        } else {
            waiter.continuation.resume(throwing: CancellationError())
        }
    }

    /// Wakes up when a held lock expires, so the queue behind it moves without waiting for a reaper pass.
    func scheduleExpiryCheck(name: LockName, token: Int64, at millis: Int64) {
        let delay = max(0, millis - clock.nowMillis()) + 5
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(delay))
            guard let self else { return }
            let now = self.clock.nowMillis()
            let resumptions: [() -> Void] = self.state.withLock { st in
                guard let held = st.locks[name], held.token == token, now >= held.expiresAt else { return [] }
                return (try? self.release(held, reason: "expired", in: &st, now: now)) ?? []
            }
            resumptions.forEach { $0() }
        }
    }
}
