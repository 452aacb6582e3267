import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Synchronization
import Testing

@Suite("Cluster mode: channels shared by daemons through a real PostgreSQL", .serialized)
struct ClusterChannelTests {
    final class Received: Sendable {
        let messages = Mutex<[ChannelMessageInfo]>([])
    }

    /// Subscribes to `pattern` on `endpoint` in a thread after `cursor` (nil: live only) until `until` is true.
    static func subscribe(
        _ endpoint: DaemonEndpoint, _ pattern: String, after cursor: Int64?, into sink: Received, group: DispatchGroup,
        until: @escaping @Sendable ([ChannelMessageInfo]) -> Bool
    ) {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            try? PortDaddyClient(endpoint: endpoint).subscribe(pattern, after: cursor) { event in
                guard event.event == "message", let m = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else {
                    return true
                }
                let seen = sink.messages.withLock { all -> [ChannelMessageInfo] in
                    all.append(m)
                    return all
                }
                return !until(seen)
            }
        }
    }

    @Test("messages published on both nodes reach node b's subscribers once each, in id order; a reconnect with the last id misses nothing")
    func crossNodeOrder() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        let each = 100
        let live = Received(), group = DispatchGroup()
        let endpointB = DaemonEndpoint.unix(path: b.home + "/pd.sock")
        // Cursor 0 on b: everything since the start, replayed from PostgreSQL, then live.
        Self.subscribe(endpointB, "orders:*", after: 0, into: live, group: group) { $0.count >= 2 * each }
        let writers = DispatchGroup()
        for (name, node) in [("a", a), ("b", b)] {
            writers.enter()
            Thread.detachNewThread {
                defer { writers.leave() }
                let client = node.client()
                for i in 0..<each { _ = try? client.publish("orders:\(name)", PublishRequest(message: "\(name)\(i)")) }
            }
        }
        writers.wait()
        #expect(group.wait(timeout: .now() + 120) == .success)
        let seen = live.messages.withLock { $0 }
        let ids = seen.map(\.id)
        #expect(ids.count == 2 * each)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        // Each node's publishes arrive in the order they were made.
        for name in ["a", "b"] {
            #expect(seen.filter { $0.channel == "orders:\(name)" }.map(\.message) == (0..<each).map { "\(name)\($0)" })
        }
        // A subscriber that saw up to the 50th message reconnects to node b, and then to node a, with that id.
        let cursor = ids[49]
        for node in [b, a] {
            let again = Received(), resumed = DispatchGroup()
            Self.subscribe(.unix(path: node.home + "/pd.sock"), "orders:*", after: cursor, into: again, group: resumed) {
                $0.count >= 2 * each - 50
            }
            #expect(resumed.wait(timeout: .now() + 60) == .success)
            #expect(again.messages.withLock { $0.map(\.id) } == Array(ids.dropFirst(50)))
        }
        // History and the channel list agree on both nodes.
        #expect(try a.client().history("orders:a", after: 0, limit: 1000).messages.count == each)
        #expect(try b.client().channels().channels.map(\.channel).sorted() == ["orders:a", "orders:b"])
    }

    @Test("an inbox message sent on one node is read on the other")
    func inboxAcrossNodes() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        #expect(try a.pd(["inbox", "send", "reviewer", "please look at PR 12"]).status == 0)
        let read = try b.pd(["inbox"], environment: ["PD_AGENT_ID": "reviewer"])
        #expect(read.status == 0 && read.stdout.contains("please look at PR 12"), "\(read.stdout) \(read.stderr)")
        // Marked read on b, unread is empty on a: the read cursor is shared too.
        #expect(try b.pd(["inbox", "read-all"], environment: ["PD_AGENT_ID": "reviewer"]).status == 0)
        let unread = try a.pd(["inbox", "--unread"], environment: ["PD_AGENT_ID": "reviewer"])
        #expect(unread.status == 0 && !unread.stdout.contains("please look at PR 12"), "\(unread.stdout)")
    }
}
