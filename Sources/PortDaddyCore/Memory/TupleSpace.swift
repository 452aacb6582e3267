import PortDaddyAPI
import Synchronization

/// A Linda tuple space per harbor: `out` writes, `rd` reads, `in` takes — atomically, so of many concurrent
/// takers exactly one gets a tuple. Reads and takes may wait: waiters queue in arrival order, and a new tuple is
/// offered to them in that order (every matching reader sees it, the first matching taker gets it). Tuples are
/// durable and may expire; waiters are not durable.
///
/// Every write, take and offer happens under one state lock, with its SQLite transaction inside it: a take and an
/// offer can never hand out the same tuple twice.
public final class TupleSpace: Sendable {
    /// What a caller asks for.
    public struct Query: Sendable {
        public var harbor: String
        public var pattern: TuplePattern
        /// Take (`in`) rather than read (`rd`).
        public var takes: Bool
        public var all: Bool
        public var limit: Int
        /// Seconds to wait when nothing matches (0: answer at once).
        public var waitSeconds: Double
        /// The caller's agent (checked against closed harbors when it takes).
        public var agent: String?
    }

    struct Waiter {
        let id: UInt64
        let query: Query
        let continuation: CheckedContinuation<[TupleInfo], any Error>
    }

    struct State {
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
    }

    let store: any TupleStore
    let harbors: HarborService
    let clock: any WallClock
    let state = Mutex(State())

    public init(store: any TupleStore, harbors: HarborService, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.harbors = harbors
        self.clock = clock
    }

    /// Validates a query from the wire: harbor name, pattern language, limit.
    public static func query(_ request: TupleQueryRequest, takes: Bool, agent: String?) throws(PortDaddyError) -> Query {
        let harbor: String
        let pattern: TuplePattern
        do {
            harbor = try HarborName.resolved(request.harbor)
            pattern = try TuplePattern(request.pattern)
        } catch { throw PortDaddyError(error) }
        let limit = request.limit ?? 100
        guard (1...TupleLimits.maxLimit).contains(limit) else { throw .invalidRequest("limit must be 1 to \(TupleLimits.maxLimit)") }
        let all = request.all ?? false
        return Query(
            harbor: harbor, pattern: pattern, takes: takes, all: all, limit: all ? limit : 1, waitSeconds: request.wait?.seconds ?? 0,
            agent: agent)
    }

    /// Writes a tuple, then offers it to the waiters in arrival order.
    public func out(_ request: TupleOutRequest, writer: String?) throws(PortDaddyError) -> TupleInfo {
        try write(try draft(request, writer: writer))
    }

    /// Checks a tuple from the wire (harbor, size, closed-harbor membership) and stamps it.
    func draft(_ request: TupleOutRequest, writer: String?) throws(PortDaddyError) -> TupleDraft {
        let harbor: String
        do { harbor = try HarborName.resolved(request.harbor) } catch { throw PortDaddyError(error) }
        try Self.checkSize(request.tuple)
        try harbors.checkWrite(harbor, agent: writer)
        let now = clock.nowMillis()
        return TupleDraft(
            harbor: harbor, tuple: request.tuple, writer: writer, createdAt: now, expiresAt: request.ttl.map { now + Int64($0.seconds * 1000) })
    }

    /// Checks a tuple's element count and JSON size against the limits.
    static func checkSize(_ tuple: [JSONValue]) throws(PortDaddyError) {
        guard !tuple.isEmpty, tuple.count <= TupleLimits.maxElements else {
            throw .invalidRequest("a tuple has 1 to \(TupleLimits.maxElements) elements")
        }
        let size = JSONValue.array(tuple).canonicalJSON.utf8.count
        guard size <= TupleLimits.maxBytes else {
            throw .invalidRequest("the tuple is \(size) bytes as JSON; at most \(TupleLimits.maxBytes) are allowed")
        }
    }

    /// Writes tuples a taker was handed but could not deliver (its caller went away), so none is lost.
    public func restore(_ taken: [TupleInfo]) {
        let now = clock.nowMillis()
        for tuple in taken where (tuple.expiresAt ?? .max) > now {
            _ = try? write(
                TupleDraft(harbor: tuple.harbor, tuple: tuple.tuple, writer: tuple.writer, createdAt: tuple.createdAt, expiresAt: tuple.expiresAt))
        }
    }

    /// Stores a tuple and offers it to the waiters in arrival order: every matching reader, the first matching taker.
    func write(_ draft: TupleDraft) throws(PortDaddyError) -> TupleInfo {
        let (written, resumptions) = try state.withLock { (st: inout State) throws(PortDaddyError) in try insert(draft, &st) }
        resumptions.forEach { $0() }
        return written
    }

    /// Stores a tuple (handing it to the first matching taker) and takes the served waiters off the queue; the caller
    /// holds the state lock and runs the returned resumptions once the write committed. Inside
    /// `SQLiteStore.atomically` the insert joins that transaction.
    func insert(_ draft: TupleDraft, _ st: inout State) throws(PortDaddyError) -> (TupleInfo, [() -> Void]) {
        let (harbor, tuple, now) = (draft.harbor, draft.tuple, clock.nowMillis())
        guard try store.liveTupleCount(harbor: harbor, now: now) < TupleLimits.maxPerHarbor else { throw .tupleSpaceFull(harbor: harbor) }
        let readers = st.waiters.filter { !$0.query.takes && $0.query.harbor == harbor && $0.query.pattern.matches(tuple) }
        let taker = st.waiters.first { $0.query.takes && $0.query.harbor == harbor && $0.query.pattern.matches(tuple) }
        let written = try store.insertTuple(draft, consumed: taker != nil)
        let served = Set(readers.map(\.id) + (taker.map { [$0.id] } ?? []))
        st.waiters.removeAll { served.contains($0.id) }
        let resumptions = (readers + (taker.map { [$0] } ?? [])).map { waiter in { waiter.continuation.resume(returning: [written]) } }
        return (written, resumptions)
    }

    /// Reads or takes what matches now; when nothing does and the query may wait, queues until a matching tuple is
    /// written (then `TUPLE_WAIT_TIMEOUT`). Nothing and no wait: `TUPLE_NOT_FOUND`.
    public func find(_ query: Query) async throws -> [TupleInfo] {
        if query.takes { try harbors.checkWrite(query.harbor, agent: query.agent) }
        let id = state.withLock { st -> UInt64 in
            st.nextWaiterID += 1
            return st.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[TupleInfo], any Error>) in
                let outcome: Result<[TupleInfo], PortDaddyError>? = state.withLock { st in
                    do throws(PortDaddyError) {
                        let found = try lookUp(query)
                        if !found.isEmpty { return .success(found) }
                    } catch {
                        return .failure(error)
                    }
                    guard query.waitSeconds > 0 else {
                        return .failure(.tupleNotFound("no tuple in harbor \(query.harbor) matches \(query.pattern)"))
                    }
                    // Cancelled before it could queue (its cancellation handler found nothing to remove): do not queue.
                    if Task.isCancelled { return .failure(.tupleNotFound("cancelled")) }
                    st.waiters.append(Waiter(id: id, query: query, continuation: continuation))
                    return nil
                }
                switch outcome {
                case .success(let tuples): continuation.resume(returning: tuples)
                case .failure(let error): continuation.resume(throwing: error)
                case nil:
                    let seconds = query.waitSeconds
                    Task { [weak self] in
                        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                        self?.abandon(waiter: id, timedOut: true)
                    }
                }
            }
        } onCancel: {
            abandon(waiter: id, timedOut: false)
        }
    }

    /// A harbor's live tuples (every harbor's when nil), oldest first.
    public func scan(harbor raw: String?, limit: Int) throws(PortDaddyError) -> [TupleInfo] {
        let harbor: String?
        do { harbor = try raw.map { raw throws(InvalidValue) in try HarborName.validated(raw) } } catch { throw PortDaddyError(error) }
        guard (1...TupleLimits.maxLimit).contains(limit) else { throw .invalidRequest("limit must be 1 to \(TupleLimits.maxLimit)") }
        return try store.scanTuples(harbor: harbor, now: clock.nowMillis(), limit: limit)
    }

    /// Removes one tuple by id (`TUPLE_NOT_FOUND` when there is no live one); closed harbors: members only.
    public func remove(_ id: Int64, by agent: String?) throws(PortDaddyError) -> TupleInfo {
        let now = clock.nowMillis()
        return try state.withLock { (_: inout State) throws(PortDaddyError) -> TupleInfo in
            guard let tuple = try store.liveTuple(id, now: now) else { throw .tupleNotFound("no live tuple has id \(id)") }
            try harbors.checkWrite(tuple.harbor, agent: agent)
            guard let removed = try store.deleteTuple(id, now: now) else { throw .tupleNotFound("no live tuple has id \(id)") }
            return removed
        }
    }

    /// Deletes expired tuples (the reaper pass); returns how many.
    @discardableResult
    public func prune() throws(PortDaddyError) -> Int { try store.pruneTuples(now: clock.nowMillis()) }

    /// Fails every waiter (graceful shutdown): they get `CancellationError`, which answers 503 `SHUTTING_DOWN`.
    public func cancelAllWaiters() {
        let all = state.withLock { st -> [Waiter] in
            defer { st.waiters.removeAll() }
            return st.waiters
        }
        for waiter in all { waiter.continuation.resume(throwing: CancellationError()) }
    }

    /// Callers waiting now.
    public var waiting: Int { waiting(in: nil) }

    /// Callers waiting now in one harbor (every harbor when nil).
    public func waiting(in harbor: String?) -> Int {
        state.withLock { st in st.waiters.count { harbor == nil || $0.query.harbor == harbor } }
    }

    // MARK: - Internals

    /// Reads or takes the matches now (called with the state lock held).
    func lookUp(_ query: Query) throws(PortDaddyError) -> [TupleInfo] {
        let stored = TupleQuery(harbor: query.harbor, pattern: query.pattern, now: clock.nowMillis(), limit: query.limit)
        return query.takes ? try store.takeTuples(stored) : try store.matchingTuples(stored)
    }

    /// Removes a waiter that timed out or whose caller went away, if it is still queued.
    func abandon(waiter id: UInt64, timedOut: Bool) {
        let removed: Waiter? = state.withLock { st in
            guard let index = st.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return st.waiters.remove(at: index)
        }
        guard let waiter = removed else { return }
        if timedOut {
            waiter.continuation.resume(
                throwing: PortDaddyError.tupleWaitTimeout(harbor: waiter.query.harbor, pattern: waiter.query.pattern.description))
        } else {
            waiter.continuation.resume(throwing: CancellationError())
        }
    }
}
