import PortDaddyAPI
import PortDaddyCore
import Synchronization

/// Delivers every node's channel messages to this node's live subscribers, in id order: on each `pd_messages`
/// notification (and once a second regardless, for notifications lost while reconnecting) it reads the messages
/// after the last id it delivered and hands them to the hub. Local publishes come back this way too, so a
/// subscriber never sees a larger id before a smaller one from another node.
final class ClusterChannelFeed: Sendable {
    let store: ClusterChannelStore
    let hub: ChannelHub
    let delivered: Mutex<Int64>
    let pokes: AsyncStream<Void>.Continuation
    let stream: AsyncStream<Void>

    init(store: ClusterChannelStore, hub: ChannelHub, from start: Int64) {
        self.store = store
        self.hub = hub
        delivered = Mutex(start)
        (stream, pokes) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a read soon (several pokes before it runs make one read).
    func poke() { pokes.yield() }

    /// Reads and delivers until stopped.
    func run() async {
        let ticker = Task { [pokes] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                pokes.yield()
            }
        }
        defer { ticker.cancel() }
        for await _ in stream {
            drain()
        }
    }

    func stop() { pokes.finish() }

    /// Delivers everything committed after the last delivered id; stops quietly at an outage (the next poke retries).
    func drain() {
        while true {
            let after = delivered.withLock { $0 }
            guard let page = try? store.messages(after: after, limit: 500), let last = page.last else { return }
            for message in page { hub.deliver(message) }
            delivered.withLock { $0 = max($0, last.id) }
            if page.count < 500 { return }
        }
    }
}
