import NIOCore
import PortDaddyAPI
import PortDaddyCore
import PortDaddyWire
import Synchronization

/// Pushes published channel messages to the IPC socket's subscriptions, straight onto each connection's event loop.
///
/// The hub hands it each message once (on the publisher's thread, in id order); it encodes the message's content
/// once, appends one item per subscription to the queue of that subscription's event loop, and runs the queue there:
/// at once when the publisher is on that loop, else with one `execute` per loop per burst of messages. No task and
/// no per-subscriber hop: the connection handler writes the frame (its conversation's head, then the shared content)
/// and flushes once per drain. Behind a full socket the message waits in the handler's backlog, still counted
/// against the hub's limits, so a subscriber that does not read is dropped as too slow (docs/IPC.md, failure 18).
final class IPCFanout: ChannelPusher {
    /// A message encoded once for every conversation it is pushed to.
    final class Outgoing: Sendable {
        let message: ChannelMessageInfo
        /// The MessagePack encoding of the `inform`'s content (a `ChannelMessageInfo`).
        let content: [UInt8]

        init(_ message: ChannelMessageInfo, content: [UInt8]) {
            self.message = message
            self.content = content
        }
    }

    /// Where one subscription's messages go.
    struct Route: Sendable {
        let queue: LoopQueue
        let handler: NIOLoopBound<IPCConnectionHandler>
        let conversationID: String
        let serial: UInt64
        let subscription: ChannelHub.Subscription
    }

    /// The pushes waiting for one event loop, in the order they were made.
    final class LoopQueue: Sendable {
        enum Item {
            case message(Route, Outgoing)
            case ended(Route)
        }
        struct State {
            var items: [Item] = []
            var scheduled = false
        }
        let loop: any EventLoop
        let state = Mutex(State())

        init(loop: any EventLoop) { self.loop = loop }

        /// Adds `items`; runs the queue now when on its loop, else makes sure a run is scheduled there.
        func enqueue(_ items: [Item]) {
            let onLoop = loop.inEventLoop
            let schedule = state.withLock { st -> Bool in
                st.items.append(contentsOf: items)
                guard !onLoop, !st.scheduled else { return false }
                st.scheduled = true
                return true
            }
            if onLoop {
                run(resetting: false)
            } else if schedule {
                loop.execute { self.run(resetting: true) }
            }
        }

        /// Writes what is queued, then flushes each connection written to once. `resetting` marks the scheduled
        /// run, after which the next enqueue from another thread schedules again.
        private func run(resetting: Bool) {
            let items = state.withLock { st -> [Item] in
                if resetting { st.scheduled = false }
                defer { st.items.removeAll(keepingCapacity: true) }
                return st.items
            }
            var written: [IPCConnectionHandler] = []
            for item in items {
                switch item {
                case .message(let route, let outgoing):
                    let handler = route.handler.value
                    if handler.push(outgoing, route: route), !written.contains(where: { $0 === handler }) { written.append(handler) }
                case .ended(let route):
                    route.handler.value.subscriptionEnded(route)
                }
            }
            for handler in written { handler.flushPushes() }
        }
    }

    private let routes = Mutex<[UInt64: Route]>([:])
    private let queues = Mutex<[ObjectIdentifier: LoopQueue]>([:])

    /// Subscribes `handler`'s conversation to `pattern` on `hub`. The route is in place before the hub can push to it.
    /// A subscription that comes back with an `end` was refused because the hub has shut down.
    func subscribe(
        _ pattern: IdentityPattern, on hub: ChannelHub, handler: IPCConnectionHandler, loop: any EventLoop, conversationID: String, serial: UInt64
    ) -> ChannelHub.Subscription {
        let queue = queues.withLock { all in
            if let queue = all[ObjectIdentifier(loop)] { return queue }
            let queue = LoopQueue(loop: loop)
            all[ObjectIdentifier(loop)] = queue
            return queue
        }
        let bound = NIOLoopBound(handler, eventLoop: loop)
        return routes.withLock { all in
            let subscription = hub.subscribe(pattern, pushingTo: self)
            guard subscription.end == nil else { return subscription }  // the hub has shut down
            all[subscription.id] = Route(queue: queue, handler: bound, conversationID: conversationID, serial: serial, subscription: subscription)
            return subscription
        }
    }

    /// Ends a subscription its connection gave up (cancel, close, shutdown): nothing more is pushed to it.
    func cancel(_ subscription: ChannelHub.Subscription) {
        subscription.cancel()
        _ = routes.withLock { $0.removeValue(forKey: subscription.id) }
    }

    func push(_ message: ChannelMessageInfo, to subscriptions: [ChannelHub.Subscription]) {
        let targets = routes.withLock { all in subscriptions.compactMap { all[$0.id] } }
        guard !targets.isEmpty, let content = try? MessagePackEncoder().encode(message) else { return }
        let outgoing = Outgoing(message, content: MessagePackWriter.encode(content))
        if targets.allSatisfy({ $0.queue === targets[0].queue }) {
            return targets[0].queue.enqueue(targets.map { .message($0, outgoing) })
        }
        var byQueue: [(queue: LoopQueue, items: [LoopQueue.Item])] = []
        for route in targets {
            if let index = byQueue.firstIndex(where: { $0.queue === route.queue }) {
                byQueue[index].items.append(.message(route, outgoing))
            } else {
                byQueue.append((route.queue, [.message(route, outgoing)]))
            }
        }
        for entry in byQueue { entry.queue.enqueue(entry.items) }
    }

    func ended(_ subscription: ChannelHub.Subscription) {
        guard let route = routes.withLock({ $0.removeValue(forKey: subscription.id) }) else { return }
        route.queue.enqueue([.ended(route)])
    }
}
