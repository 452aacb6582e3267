import Dispatch
import PortDaddyAPI
import PortDaddySystem
import Synchronization

/// Fans published messages out to live subscribers without ever blocking the publisher.
///
/// Each subscriber has a buffer bounded in messages and in bytes; one that falls further behind than that is
/// dropped with a reason (its connection is closed, which frees what it held) and can come back from its cursor
/// (the store holds what it missed). At most `maxSubscribers` subscribe at once.
///
/// A subscriber either reads an `AsyncStream` (SSE, the dashboard) or is pushed to: a ``ChannelPusher`` is
/// handed each message once for all of its matching subscriptions, on the publisher's thread, and writes them
/// where they go (the IPC socket writes each on its connection's event loop, with no task per message). A push
/// subscription counts what was handed over and not yet written (``Subscription/written(_:)``) against the same
/// limits.
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
        /// Bytes delivered but not read (or, pushed, not written) yet.
        let queuedBytes = Atomic<Int>(0)
        /// Messages pushed but not written yet (push subscriptions only; a stream counts its own).
        let queuedMessages = Atomic<Int>(0)
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

        /// A push subscription's `message` has left the daemon's hands (written to its socket): it no longer
        /// counts against the subscriber's limits.
        public func written(_ message: ChannelMessageInfo) {
            queuedBytes.subtract(ChannelHub.cost(of: message), ordering: .relaxed)
            queuedMessages.subtract(1, ordering: .relaxed)
        }
    }

    /// Where a subscriber's messages go.
    enum Sink {
        case stream(AsyncStream<Delivery>.Continuation)
        case push(any ChannelPusher)
    }

    struct Subscriber {
        let pattern: IdentityPattern
        let sink: Sink
        let subscription: Subscription

        /// Ends the subscriber's deliveries after what it was already given: finishes its stream, or tells its
        /// pusher (when the hub, not the subscriber, ended it).
        func finish(tellingPusher: Bool) {
            switch sink {
            case .stream(let continuation): continuation.finish()
            case .push(let pusher): if tellingPusher { pusher.ended(subscription) }
            }
        }
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
        subscribers.withLock { $0[id] = Subscriber(pattern: pattern, sink: .stream(continuation), subscription: subscription) }
        return subscription
    }

    /// Registers a subscriber for channels matching `pattern` whose messages are handed to `pusher` (see
    /// ``ChannelPusher``); it has no stream. After a shutdown it comes back already ended (`end` is
    /// `.shuttingDown`) and the pusher is not called.
    public func subscribe(_ pattern: IdentityPattern, pushingTo pusher: any ChannelPusher) -> Subscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let subscription = Subscription(id: id, messages: AsyncStream { $0.finish() }, hub: self)
        if closed.load(ordering: .relaxed) {
            subscription.ending.withLock { $0 = .shuttingDown }
            return subscription
        }
        subscribers.withLock { $0[id] = Subscriber(pattern: pattern, sink: .push(pusher), subscription: subscription) }
        return subscription
    }

    /// Delivers a message to every matching subscriber; drops subscribers whose buffer is full. Push subscribers
    /// are handed over once per pusher, after the streams.
    public func deliver(_ message: ChannelMessageInfo) {
        let targets = subscribers.withLock { $0.values.filter { $0.pattern.matches(name: message.channel) } }
        let cost = Self.cost(of: message)
        var pushes: [(pusher: any ChannelPusher, subscriptions: [Subscription])] = []
        for target in targets {
            let queued = target.subscription.queuedBytes.add(cost, ordering: .relaxed).newValue
            if queued > byteLimit {
                drop(target)
                continue
            }
            switch target.sink {
            case .stream(let continuation):
                if case .dropped = continuation.yield(.message(message)) { drop(target) }
            case .push(let pusher):
                guard target.subscription.queuedMessages.add(1, ordering: .relaxed).newValue <= bufferLimit else {
                    drop(target)
                    continue
                }
                if let index = pushes.firstIndex(where: { $0.pusher === pusher }) {
                    pushes[index].subscriptions.append(target.subscription)
                } else {
                    pushes.append((pusher, [target.subscription]))
                }
            }
        }
        for push in pushes { push.pusher.push(message, to: push.subscriptions) }
    }

    /// Ends a subscriber that fell too far behind and tells its owner (who closes the connection).
    func drop(_ target: Subscriber) {
        target.subscription.ending.withLock { $0 = .tooSlow }
        target.finish(tellingPusher: true)
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
            subscriber.finish(tellingPusher: true)
        }
    }

    func ping(_ id: UInt64) {
        guard case .stream(let continuation)? = subscribers.withLock({ $0[id] })?.sink else { return }
        continuation.yield(.ping)
    }

    func remove(_ id: UInt64) {
        let removed = subscribers.withLock { $0.removeValue(forKey: id) }
        removed?.finish(tellingPusher: false)
    }
}

/// Writes the messages of push subscriptions (``ChannelHub/subscribe(_:pushingTo:)``) where they go.
///
/// Both calls come on the publisher's (or the hub's) thread, in message-id order, and must not block: queue
/// the work for the subscribers' own threads. Call ``ChannelHub/Subscription/written(_:)`` for each message once it
/// is written, or the subscriber is soon dropped as too slow.
public protocol ChannelPusher: AnyObject, Sendable {
    /// One published message for every subscription of this pusher whose pattern it matches.
    func push(_ message: ChannelMessageInfo, to subscriptions: [ChannelHub.Subscription])
    /// The hub ended `subscription` (dropped as too slow, or shutting down: `subscription.end` says which), after
    /// every message it pushed to it; a subscription cancelled by its owner is not reported.
    func ended(_ subscription: ChannelHub.Subscription)
}
