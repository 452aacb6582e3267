import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig
import Synchronization

/// A stack's event feed: log lines and state changes, numbered, kept in bounded rings (the recent feed for
/// followers that reconnect, and the last lines of each service for `pd logs`), and pushed to live followers.
public final class StackFeed: Sendable {
    /// Recent events kept for followers resuming after a cursor.
    public static let recentCapacity = 4096
    /// Log lines kept per service.
    public static let linesPerService = 1000

    struct State {
        var nextID: Int64 = 1
        var recent = Ring<StackEvent>(capacity: StackFeed.recentCapacity)
        var lines: [String: Ring<StackEvent>] = [:]
        var followers: [Int: AsyncStream<StackEvent>.Continuation] = [:]
        var nextFollower = 0
        var finished = false
    }

    let state = Mutex(State())
    let clock: any WallClock
    let pulse: StackPulse?

    public init(clock: any WallClock = SystemWallClock(), pulse: StackPulse? = nil) {
        self.clock = clock
        self.pulse = pulse
    }

    /// The newest event id (0 when none).
    public var cursor: Int64 { state.withLock { $0.nextID - 1 } }

    /// Adds an event and pushes it to every follower.
    @discardableResult
    public func append(kind: String, service: String, stream: String, text: String) -> StackEvent {
        let at = clock.nowMillis()
        return state.withLock { st in
            let event = StackEvent(id: st.nextID, at: at, kind: kind, service: service, stream: stream, text: text)
            st.nextID += 1
            st.recent.append(event)
            // A service's history: its output and what the supervisor did with it.
            st.lines[service, default: Ring(capacity: Self.linesPerService)].append(event)
            for follower in st.followers.values { follower.yield(event) }
            pulse?.beat()
            return event
        }
    }

    /// The last `limit` events of `service`, output and state changes (or of all services, interleaved in order).
    public func lines(service: String?, limit: Int) -> [StackEvent] {
        state.withLock { st in
            let pool: [StackEvent]
            if let service {
                pool = st.lines[service]?.elements ?? []
            } else {
                pool = st.lines.values.flatMap(\.elements).sorted { $0.id < $1.id }
            }
            return Array(pool.suffix(max(0, limit)))
        }
    }

    /// A follower's view: what to replay, the live stream, a way to inject a keep-alive (an event with id 0 and
    /// kind `ping`) and to stop following.
    public struct Follower: Sendable {
        public var replay: [StackEvent]
        public var live: AsyncStream<StackEvent>
        public var ping: @Sendable () -> Void
        public var stop: @Sendable () -> Void
    }

    /// Events after `cursor` still in the recent ring, and a live stream of later ones (no gap, no duplicate).
    public func follow(after cursor: Int64) -> Follower {
        let (stream, continuation) = AsyncStream<StackEvent>.makeStream(bufferingPolicy: .bufferingNewest(8192))
        let (replay, id) = state.withLock { st -> ([StackEvent], Int) in
            let id = st.nextFollower
            st.nextFollower += 1
            if st.finished { continuation.finish() } else { st.followers[id] = continuation }
            return (st.recent.elements.filter { $0.id > cursor }, id)
        }
        let stop: @Sendable () -> Void = { [weak self] in
            _ = self?.state.withLock { $0.followers.removeValue(forKey: id) }
            continuation.finish()
        }
        let ping: @Sendable () -> Void = {
            continuation.yield(StackEvent(id: 0, at: 0, kind: "ping", service: "", stream: "", text: ""))
        }
        return Follower(replay: replay, live: stream, ping: ping, stop: stop)
    }

    /// Ends every follower's stream (the stack is gone).
    public func finish() {
        let followers = state.withLock { st -> [AsyncStream<StackEvent>.Continuation] in
            st.finished = true
            defer { st.followers = [:] }
            return Array(st.followers.values)
        }
        for follower in followers { follower.finish() }
    }
}

/// A fixed-capacity ring that drops its oldest element when full.
struct Ring<Element: Sendable>: Sendable {
    private var storage: [Element] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    var elements: [Element] { Array(storage[head...] + storage[..<head]) }
}

/// Counts events across every stack, so a watcher (the dashboard's stream) can tell cheaply that some stack
/// has new output since it last looked, without following each feed.
public final class StackPulse: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    func beat() { count.add(1, ordering: .relaxed) }

    /// The number of events so far.
    public var value: Int { count.load(ordering: .relaxed) }
}
