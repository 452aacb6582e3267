import Dispatch
import PortDaddyAPI
import PortDaddySystem
import Synchronization

/// Fans published messages out to live subscribers without ever blocking the publisher.
///
/// Each subscriber has a buffer bounded in messages and in bytes; one that falls further behind than that is
/// dropped with a reason (its connection is closed, which frees what it held) and can come back from its cursor
/// (the store holds what it missed). At most `maxSubscribers` subscribe at once.
public final class ChannelHub: Sendable {
    /// Why a subscription ended.
    public enum End: Sendable, Equatable {
        case tooSlow
        case shuttingDown
    }

    /// What a subscription receives: a message, or a keep-alive tick.
    public enum Delivery: Sendable {
        case message(ChannelMessageInfo)
        case ping
    }

    /// A live subscription: the deliveries, and why it ended once the stream finishes.
    public final class Subscription: Sendable {
        public let id: UInt64
        /// The deliveries, in order; each one read is taken off the subscriber's byte count.
        public var messages: Deliveries { Deliveries(stream: stream, subscription: self) }
        let stream: AsyncStream<Delivery>
        let ending = Mutex<End?>(nil)
        let hub: ChannelHub
        /// Bytes delivered but not read yet.
        let queuedBytes = Atomic<Int>(0)
        let dropHandler = Mutex<(@Sendable () -> Void)?>(nil)

        init(id: UInt64, messages: AsyncStream<Delivery>, hub: ChannelHub) {
            self.id = id
            self.stream = messages
            self.hub = hub
        }

        /// Called once if the hub drops this subscriber as too slow: close its connection, so a writer stuck on a
        /// client that does not read lets go of what it holds.
        public func onDrop(_ handler: @escaping @Sendable () -> Void) { dropHandler.withLock { $0 = handler } }

        /// Why the stream finished, if the hub ended it.
        public var end: End? { ending.withLock { $0 } }

        /// Stops receiving.
        public func cancel() { hub.remove(id) }

        /// Queues a keep-alive tick (so a writer notices a client that went away).
        public func ping() { hub.ping(id) }
    }

    struct Subscriber {
        let pattern: IdentityPattern
        let continuation: AsyncStream<Delivery>.Continuation
        let subscription: Subscription
    }

    /// The deliveries of a subscription as an async sequence that keeps its byte count.
    public struct Deliveries: AsyncSequence {
        public typealias Element = Delivery
        let stream: AsyncStream<Delivery>
        let subscription: Subscription

        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncStream<Delivery>.AsyncIterator
            let subscription: Subscription

            public mutating func next() async -> Delivery? {
                let delivery = await base.next()
                if case .message(let message)? = delivery {
                    subscription.queuedBytes.subtract(ChannelHub.cost(of: message), ordering: .relaxed)
                }
                return delivery
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator(), subscription: subscription) }
    }

    /// Messages a subscriber may lag behind before it is dropped.
    public let bufferLimit: Int
    /// Bytes a subscriber may lag behind before it is dropped.
    public let byteLimit: Int
    /// Subscribers at once; more are refused.
    public let maxSubscribers: Int
    let subscribers = Mutex<[UInt64: Subscriber]>([:])
    let nextID = Atomic<UInt64>(0)
    let closed = Atomic<Bool>(false)

    public init(bufferLimit: Int = 4096, byteLimit: Int = 1 << 20, maxSubscribers: Int = 512) {
        self.bufferLimit = bufferLimit
        self.byteLimit = byteLimit
        self.maxSubscribers = maxSubscribers
    }

    /// What a message costs a subscriber's buffer (its text plus its envelope).
    static func cost(of message: ChannelMessageInfo) -> Int {
        message.message.utf8.count + message.channel.utf8.count + (message.sender?.utf8.count ?? 0) + 96
    }

    /// Whether another subscriber would be refused.
    public var isFull: Bool { count >= maxSubscribers }

    /// Number of live subscribers.
    public var count: Int { subscribers.withLock { $0.count } }

    /// Registers a subscriber for channels matching `pattern`.
    public func subscribe(_ pattern: IdentityPattern) -> Subscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        let subscription = Subscription(id: id, messages: stream, hub: self)
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        if closed.load(ordering: .relaxed) {
            subscription.ending.withLock { $0 = .shuttingDown }
            continuation.finish()
            return subscription
        }
        subscribers.withLock { $0[id] = Subscriber(pattern: pattern, continuation: continuation, subscription: subscription) }
        return subscription
    }

    /// Delivers a message to every matching subscriber; drops subscribers whose buffer is full.
    public func deliver(_ message: ChannelMessageInfo) {
        let targets = subscribers.withLock { $0.values.filter { $0.pattern.matches(name: message.channel) } }
        let cost = Self.cost(of: message)
        for target in targets {
            let queued = target.subscription.queuedBytes.add(cost, ordering: .relaxed).newValue
            if queued > byteLimit {
                drop(target)
                continue
            }
            if case .dropped = target.continuation.yield(.message(message)) { drop(target) }
        }
    }

    /// Ends a subscriber that fell too far behind and tells its owner (who closes the connection).
    func drop(_ target: Subscriber) {
        target.subscription.ending.withLock { $0 = .tooSlow }
        target.continuation.finish()
        subscribers.withLock { _ = $0.removeValue(forKey: target.subscription.id) }
        let handler = target.subscription.dropHandler.withLock { current -> (@Sendable () -> Void)? in
            defer { current = nil }
            return current
        }
        handler?()
        scheduleTrim()
    }

    let trimScheduled = Atomic<Bool>(false)

    /// Once the dropped subscribers' connections have closed, give their buffers' pages back to the OS.
    func scheduleTrim() {
        guard !trimScheduled.exchange(true, ordering: .relaxed) else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) { [weak self] in
            self?.trimScheduled.store(false, ordering: .relaxed)
            ProcessMemory.releaseFreePages()
        }
    }

    /// Ends every subscription (graceful shutdown); later subscriptions end at once.
    public func shutdown() {
        closed.store(true, ordering: .relaxed)
        let all = subscribers.withLock { current -> [Subscriber] in
            defer { current.removeAll() }
            return Array(current.values)
        }
        for subscriber in all {
            subscriber.subscription.ending.withLock { $0 = .shuttingDown }
            subscriber.continuation.finish()
        }
    }

    func ping(_ id: UInt64) {
        _ = subscribers.withLock { $0[id] }?.continuation.yield(.ping)
    }

    func remove(_ id: UInt64) {
        let removed = subscribers.withLock { $0.removeValue(forKey: id) }
        removed?.continuation.finish()
    }
}
