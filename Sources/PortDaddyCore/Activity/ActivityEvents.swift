import PortDaddyAPI
import Synchronization

/// The daemon's event stream: pushes the activity records each flush wrote (with their persisted ids) to live
/// followers, without ever blocking the writer.
///
/// Each follower has a bounded buffer of batches; one that falls further behind loses pushes, notices (a flag
/// it reads with every batch) and reads what it missed from the store, so a slow follower costs memory for at
/// most ``bufferedBatches`` batches and never misses a record. SSE, long polls, `/wait` and the dashboard follow
/// it through ``ActivityLog/follow(after:type:)``.
public final class ActivityEvents: Sendable {
    /// What a follower's buffer holds.
    enum Signal: Sendable {
        case records([ActivityInfo])
        /// A wake-up with no records (keep-alives, re-probes).
        case ping
    }

    final class Subscriber: Sendable {
        let continuation: AsyncStream<Signal>.Continuation
        /// Set when a push did not fit in the buffer: the follower reads from the store before going on.
        let missed = Atomic<Bool>(false)

        init(_ continuation: AsyncStream<Signal>.Continuation) { self.continuation = continuation }
    }

    struct State {
        var subscribers: [UInt64: Subscriber] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    /// Batches a follower may have unread before it is left to catch up from the store.
    static let bufferedBatches = 256
    let state = Mutex(State())

    public init() {}

    /// Followers right now.
    public var followerCount: Int { state.withLock { $0.subscribers.count } }

    /// Registers a follower; after ``shutdown()`` its stream is already finished.
    func subscribe() -> (id: UInt64, stream: AsyncStream<Signal>, subscriber: Subscriber) {
        let (stream, continuation) = AsyncStream<Signal>.makeStream(bufferingPolicy: .bufferingOldest(Self.bufferedBatches))
        let subscriber = Subscriber(continuation)
        let id = state.withLock { st -> UInt64? in
            guard !st.closed else { return nil }
            st.nextID += 1
            st.subscribers[st.nextID] = subscriber
            return st.nextID
        }
        guard let id else {
            continuation.finish()
            return (0, stream, subscriber)
        }
        return (id, stream, subscriber)
    }

    /// Pushes records (in id order) to every follower.
    func publish(_ records: [ActivityInfo]) {
        guard !records.isEmpty else { return }
        state.withLock { st in
            for subscriber in st.subscribers.values {
                if case .dropped = subscriber.continuation.yield(.records(records)) {
                    subscriber.missed.store(true, ordering: .releasing)
                }
            }
        }
    }

    /// Wakes one follower with no records.
    func ping(_ id: UInt64) {
        _ = state.withLock { $0.subscribers[id] }?.continuation.yield(.ping)
    }

    /// Ends one follower's stream.
    func remove(_ id: UInt64) {
        state.withLock { $0.subscribers.removeValue(forKey: id) }?.continuation.finish()
    }

    /// Ends every follower's stream and refuses new ones (graceful shutdown: SSE clients reconnect with their
    /// cursor, long polls answer with what they have).
    public func shutdown() {
        let all = state.withLock { st -> [Subscriber] in
            st.closed = true
            defer { st.subscribers.removeAll() }
            return Array(st.subscribers.values)
        }
        for subscriber in all { subscriber.continuation.finish() }
    }
}

/// One follower of the activity log: the records after its cursor that are already stored, then each new one as
/// it is written, in id order, each once. Iterating yields batches; an empty batch is a ``ping()``.
public final class ActivityFollower: AsyncSequence, Sendable {
    public typealias Element = [ActivityInfo]
    /// Records per store read while catching up.
    public static let pageSize = 500

    let store: any ActivityStore
    let events: ActivityEvents
    let id: UInt64
    let stream: AsyncStream<ActivityEvents.Signal>
    let subscriber: ActivityEvents.Subscriber
    let start: Int64
    let type: String?

    init(store: any ActivityStore, events: ActivityEvents, after cursor: Int64, type: String?) {
        self.store = store
        self.events = events
        self.start = cursor
        self.type = type
        (id, stream, subscriber) = events.subscribe()
    }

    deinit { events.remove(id) }

    /// Ends the iteration (the iterator returns `nil` once the buffered batches are read).
    public func stop() { events.remove(id) }

    /// Wakes the iterator with an empty batch (keep-alives, re-probes of state that has no events).
    public func ping() { events.ping(id) }

    /// Whether a record's type is followed (`lock` follows `lock` and `lock.*`, as the store's filter does).
    func follows(_ record: ActivityInfo) -> Bool {
        guard let type else { return true }
        return record.type == type || record.type.hasPrefix(type + ".")
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(follower: self, cursor: start, base: stream.makeAsyncIterator())
    }

    public struct Iterator: AsyncIteratorProtocol {
        let follower: ActivityFollower
        /// The id of the last record yielded.
        public private(set) var cursor: Int64
        var base: AsyncStream<ActivityEvents.Signal>.AsyncIterator
        /// Still reading what the store held when following began.
        var replaying = true

        /// The next batch (empty for a ping), or `nil` when the follower was stopped or the daemon shuts down.
        public mutating func next() async throws -> [ActivityInfo]? {
            while true {
                if replaying || follower.subscriber.missed.exchange(false, ordering: .acquiring) {
                    let page = try follower.store.activity(afterID: cursor, typePrefix: follower.type, limit: ActivityFollower.pageSize)
                    replaying = page.count == ActivityFollower.pageSize
                    if let last = page.last {
                        cursor = last.id
                        return page
                    }
                }
                guard let signal = await base.next() else { return nil }
                switch signal {
                case .ping:
                    return []
                case .records(let batch):
                    let fresh = batch.filter { $0.id > cursor && follower.follows($0) }
                    if let last = fresh.last {
                        cursor = last.id
                        return fresh
                    }
                }
            }
        }
    }
}
