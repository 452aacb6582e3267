import PortDaddyAPI
import Synchronization
import Testing

@testable import PortDaddyCore

@Suite("Channels")
struct ChannelServiceTests {
    func service(_ h: Harness, maxMessages: Int = 1000, maxAge: Double = 86400, hub: ChannelHub = ChannelHub()) throws -> ChannelService {
        ChannelService(store: try h.store(), hub: hub, clock: h.clock, maxMessages: maxMessages, maxAgeSeconds: maxAge)
    }

    func name(_ s: String) throws -> ChannelName { try ChannelName(parsing: s) }

    @Test("ids strictly increase across channels and history filters by pattern and cursor")
    func historyByPattern() throws {
        let h = Harness()
        defer { h.cleanup() }
        let channels = try service(h)
        var ids: [Int64] = []
        for (i, ch) in ["app:api", "app:web", "other", "app:api"].enumerated() {
            ids.append(try channels.publish(to: try name(ch), message: "m\(i)", sender: nil, signal: nil).id)
        }
        #expect(ids == ids.sorted() && Set(ids).count == 4)
        #expect(try channels.history(try ChannelService.pattern("app:*"), after: 0, limit: 10).map(\.message) == ["m0", "m1", "m3"])
        #expect(try channels.history(try ChannelService.pattern("app:api"), after: ids[0], limit: 10).map(\.message) == ["m3"])
        #expect(try channels.history(try ChannelService.pattern("*"), after: 0, limit: 2).map(\.message) == ["m0", "m1"])
        #expect(try channels.latestID() == ids.last)
    }

    @Test("the newest retained messages are found across gaps in the ids (the dashboard's Radio view)")
    func newestAcrossGaps() throws {
        let h = Harness()
        defer { h.cleanup() }
        let channels = try service(h)
        _ = try channels.publish(to: try name("keep"), message: "old", sender: nil, signal: nil)
        for i in 0..<60 { _ = try channels.publish(to: try name("noise"), message: "n\(i)", sender: nil, signal: nil) }
        _ = try channels.clear(try name("noise"))
        _ = try channels.publish(to: try name("keep"), message: "new", sender: nil, signal: nil)
        // Counting back 50 ids from the latest would find only "new".
        #expect(try channels.newest(limit: 50).map(\.message) == ["old", "new"])
        #expect(try channels.newest(limit: 1).map(\.message) == ["new"])
    }

    @Test("signals are validated and lower-cased; oversized messages are refused")
    func validation() throws {
        let h = Harness()
        defer { h.cleanup() }
        let channels = try service(h)
        #expect(try channels.publish(to: try name("a"), message: "x", sender: "s", signal: "MAYDAY").signal == "mayday")
        #expect(throws: PortDaddyError.invalidSignal("nope")) { try channels.publish(to: try name("a"), message: "x", sender: nil, signal: "nope") }
        #expect(throws: PortDaddyError.self) {
            try channels.publish(
                to: try name("a"), message: String(repeating: "x", count: ChannelService.maxMessageBytes + 1), sender: nil, signal: nil)
        }
        #expect(throws: PortDaddyError.self) { try ChannelService.name("bad name") }
    }

    @Test("retention keeps the newest messages per channel and drops old ones; ids are never reused")
    func retention() throws {
        let h = Harness()
        defer { h.cleanup() }
        let channels = try service(h, maxMessages: 3, maxAge: 60)
        for i in 0..<5 { _ = try channels.publish(to: try name("a"), message: "a\(i)", sender: nil, signal: nil) }
        _ = try channels.publish(to: try name("b"), message: "old", sender: nil, signal: nil)
        h.clock.advance(seconds: 61)
        _ = try channels.publish(to: try name("b"), message: "new", sender: nil, signal: nil)
        #expect(try channels.prune() == 6)  // a0..a4 and "old" are older than a minute
        let left = try channels.history(try ChannelService.pattern("*"), after: 0, limit: 100).map(\.message)
        #expect(left == ["new"])
        #expect(try channels.clear(try name("b")) == 1)
        let next = try channels.publish(to: try name("c"), message: "after", sender: nil, signal: nil)
        #expect(next.id == 8)
    }

    @Test("a subscriber that falls too far behind is dropped with a reason; the publisher never waits")
    func slowSubscriberDropped() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let hub = ChannelHub(bufferLimit: 5)
        let channels = try service(h, hub: hub)
        let slow = hub.subscribe(try ChannelService.pattern("*"))
        let idle = hub.subscribe(try ChannelService.pattern("x"))
        for i in 0..<10 { _ = try channels.publish(to: try name("x"), message: "\(i)", sender: nil, signal: nil) }
        #expect(slow.end == .tooSlow)
        var received = 0
        for await delivery in slow.messages { if case .message = delivery { received += 1 } }
        #expect(received == 5)
        #expect(idle.end == .tooSlow)
        hub.shutdown()
        let late = hub.subscribe(try ChannelService.pattern("*"))
        #expect(late.end == .shuttingDown)
    }

    /// a subscriber that lags by more than the byte limit is dropped and its owner told; one that reads stays; the hub
    /// refuses subscribers beyond its cap
    @Test("a lagging subscriber is dropped and its owner told; a reader stays; subscribers beyond the cap are refused")
    func byteLimitAndCap() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let hub = ChannelHub(bufferLimit: 4096, byteLimit: 4000, maxSubscribers: 3)
        let channels = try service(h, hub: hub)
        let stuck = hub.subscribe(try ChannelService.pattern("*"))
        let told = Mutex(false)
        stuck.onDrop { told.withLock { $0 = true } }
        let reader = hub.subscribe(try ChannelService.pattern("*"))
        var iterator = reader.messages.makeAsyncIterator()
        let body = String(repeating: "x", count: 1000)
        for _ in 0..<10 {
            _ = try channels.publish(to: try name("big"), message: body, sender: nil, signal: nil)
            _ = await iterator.next()
        }
        #expect(stuck.end == .tooSlow)
        #expect(told.withLock { $0 })
        #expect(reader.end == nil)
        // The stuck one left; two more fit, a fourth does not.
        _ = hub.subscribe(try ChannelService.pattern("*"))
        _ = hub.subscribe(try ChannelService.pattern("*"))
        #expect(throws: PortDaddyError.resourceExhausted("3 live subscribers already")) { try channels.checkRoomForSubscriber() }
    }

    /// A pusher that records what the hub hands it and writes only when told to.
    final class RecordingPusher: ChannelPusher {
        let pushes = Mutex<[(message: String, subscriptions: [UInt64])]>([])
        let ended = Mutex<[UInt64]>([])
        func push(_ message: ChannelMessageInfo, to subscriptions: [ChannelHub.Subscription]) {
            pushes.withLock { $0.append((message.message, subscriptions.map(\.id).sorted())) }
        }
        func ended(_ subscription: ChannelHub.Subscription) { ended.withLock { $0.append(subscription.id) } }
    }

    @Test("push subscribers: one hand-over per message for all of a pusher's matches; unwritten messages count; too slow is reported once")
    func pushSubscribers() throws {
        let h = Harness()
        defer { h.cleanup() }
        let hub = ChannelHub(bufferLimit: 3)
        let channels = try service(h, hub: hub)
        let pusher = RecordingPusher()
        let writer = hub.subscribe(try ChannelService.pattern("news:*"), pushingTo: pusher)
        let stuck = hub.subscribe(try ChannelService.pattern("*"), pushingTo: pusher)
        let other = hub.subscribe(try ChannelService.pattern("weather"), pushingTo: pusher)
        for i in 0..<5 {
            let message = try channels.publish(to: try name("news:\(i)"), message: "m\(i)", sender: nil, signal: nil)
            writer.written(message)  // this one keeps up; `stuck` never writes
        }
        let pushes = pusher.pushes.withLock { $0 }
        // Three messages fit `stuck`'s limit of three unwritten; the fourth drops it, and only `writer` gets the rest.
        #expect(pushes.map(\.message) == ["m0", "m1", "m2", "m3", "m4"])
        #expect(pushes.prefix(3).allSatisfy { $0.subscriptions == [writer.id, stuck.id].sorted() })
        #expect(pushes.suffix(2).allSatisfy { $0.subscriptions == [writer.id] })
        #expect(stuck.end == .tooSlow && writer.end == nil && other.end == nil)
        #expect(pusher.ended.withLock { $0 } == [stuck.id])
        // A subscription its owner cancels is not reported; at shutdown the rest are, and later ones start ended.
        other.cancel()
        hub.shutdown()
        #expect(pusher.ended.withLock { $0 } == [stuck.id, writer.id])
        #expect(writer.end == .shuttingDown)
        #expect(hub.subscribe(try ChannelService.pattern("*"), pushingTo: pusher).end == .shuttingDown)
        #expect(pusher.ended.withLock { $0 }.count == 2)
    }
}
