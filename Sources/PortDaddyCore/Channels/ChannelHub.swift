import PortDaddyAPI
import Synchronization

/// Fans published messages out to live subscribers without ever blocking the publisher.
///
/// Each subscriber has a bounded buffer; one that falls further behind than that is dropped with a reason
/// and can come back from its cursor (the store holds what it missed).
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
        public let messages: AsyncStream<Delivery>
        let ending = Mutex<End?>(nil)
        let hub: ChannelHub

        init(id: UInt64, messages: AsyncStream<Delivery>, hub: ChannelHub) {
            self.id = id
            self.messages = messages
            self.hub = hub
        }

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

    /// Messages a subscriber may lag behind before it is dropped.
    public let bufferLimit: Int
    let subscribers = Mutex<[UInt64: Subscriber]>([:])
    let nextID = Atomic<UInt64>(0)
    let closed = Atomic<Bool>(false)

    public init(bufferLimit: Int = 4096) {
        self.bufferLimit = bufferLimit
    }

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
        for target in targets {
            if case .dropped = target.continuation.yield(.message(message)) {
                target.subscription.ending.withLock { $0 = .tooSlow }
                target.continuation.finish()
            }
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
