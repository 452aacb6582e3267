import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

@Suite("pd tube and consumer cursors against a real daemon")
struct TubeIntegrationTests {
    static let alice = ["PD_AGENT_ID": "alice"]
    static let bob = ["PD_AGENT_ID": "bob"]

    @Test("a blocking pd tube returns when a message is sent, with the reply hint; --once then prints nothing new")
    func blockingTubeReturnsOnSend() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let waiting = try daemon.spawnPD(["tube", "agent:notes"], environment: Self.bob)
        let sent = try daemon.pd(["tube", "agent:notes", "--send"], stdin: "shipped the fix\n", environment: Self.alice)
        #expect(sent.status == 0 && sent.output == "1")
        let got = waiting.wait()
        #expect(got.status == 0)
        let lines = got.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("#1 alice ") == true && lines.first?.hasSuffix(" ago: shipped the fix") == true)
        #expect(lines.last == "  ↳ reply: echo … | pd tube agent:notes --reply-to=1")
        let again = try daemon.pd(["tube", "agent:notes", "--once"], environment: Self.bob)
        #expect(again.status == 0 && again.stdout.isEmpty)
        #expect(try daemon.client().cursor("tube:bob", channel: "agent:notes").lastID == 1)
        // Another agent has its own cursor: it still gets the message.
        #expect(try daemon.pd(["tube", "agent:notes", "--once", "--raw"], environment: Self.alice).output == "1\talice\t\tshipped the fix")
    }

    @Test("--reply-to stores inReplyTo, and only an existing id of the same channel is accepted")
    func replyToIsStored() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["tube", "team:q", "--send"], stdin: "which port?", environment: Self.alice).output == "1")
        #expect(try daemon.pd(["pub", "team:other", "x"]).output == "2")
        let reply = try daemon.pd(["tube", "team:q", "--reply-to", "1", "--json"], stdin: "4000\n", environment: Self.bob)
        #expect(reply.status == 0)
        let stored = try JSONDecoder().decode(ChannelMessageInfo.self, from: Data(reply.stdout.utf8))
        #expect(stored.inReplyTo == 1 && stored.message == "4000" && stored.sender == "bob" && stored.id == 3)
        let read = try daemon.pd(["tube", "team:q", "--once", "--json"], environment: ["PD_AGENT_ID": "carol"])
        let messages = try read.stdout.split(separator: "\n").map { try JSONDecoder().decode(ChannelMessageInfo.self, from: Data($0.utf8)) }
        #expect(messages.map(\.id) == [1, 3] && messages.map(\.inReplyTo) == [nil, 1])
        // Another channel's message, and an id that does not exist: 400, exit 2, nothing stored.
        for bad in ["2", "99"] {
            let refused = try daemon.pd(["tube", "team:q", "--reply-to", bad], stdin: "no", environment: Self.bob)
            #expect(refused.status == 2 && refused.stderr.contains("inReplyTo"))
        }
        #expect(try daemon.client().history("team:q", after: 0).messages.count == 2)
    }

    @Test("two competing listeners of one agent and 10 messages: 10 prints in all, no duplicates")
    func competingListeners() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let carol = ["PD_AGENT_ID": "carol"]
        let listeners = try (0..<2).map { _ in try daemon.spawnPD(["tube", "work:queue", "--tail", "--raw"], environment: carol) }
        for n in 1...10 { try daemon.pd(["tube", "work:queue", "--send"], stdin: "job \(n)", environment: Self.alice) }
        func printed() -> [String] { listeners.flatMap { $0.outputSoFar.split(separator: "\n").map(String.init) } }
        #expect(eventually { printed().count >= 10 })
        // Once the cursor is past the last message, no listener has anything left to print.
        #expect(eventually { (try? daemon.client().cursor("tube:carol", channel: "work:queue").lastID) == 10 })
        let results = listeners.map { listener in
            kill(listener.pid, SIGTERM)
            return listener.wait()
        }
        let ids = results.flatMap { $0.stdout.split(separator: "\n") }.compactMap { $0.split(separator: "\t").first.map(String.init) }
        #expect(ids.count == 10 && Set(ids) == Set((1...10).map(String.init)))
    }

    @Test("--no-history neither reads nor advances the cursor")
    func noHistoryLeavesCursor() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        for text in ["a", "b", "c"] { try daemon.pd(["tube", "ch", "--send"], stdin: text, environment: Self.alice) }
        let client = daemon.client()
        // --once --limit 2 takes two; --once then drains the rest.
        #expect(try daemon.pd(["tube", "ch", "--once", "--limit", "2", "--raw"], environment: Self.bob).output.split(separator: "\n").count == 2)
        #expect(try client.cursor("tube:bob", channel: "ch").lastID == 2)
        #expect(try daemon.pd(["tube", "ch", "--once", "--raw"], environment: Self.bob).output.hasPrefix("3\talice\t\tc"))
        #expect(try client.cursor("tube:bob", channel: "ch").lastID == 3)
        try daemon.pd(["tube", "ch", "--send"], stdin: "d", environment: Self.alice)
        let loose = try daemon.pd(["tube", "ch", "--once", "--no-history", "--limit", "2", "--raw"], environment: Self.bob)
        #expect(loose.output.split(separator: "\n").map { $0.split(separator: "\t").last.map(String.init) } == ["c", "d"])
        #expect(try client.cursor("tube:bob", channel: "ch").lastID == 3)
        // --since starts there and still advances the cursor.
        let since = try daemon.pd(["tube", "ch", "--since", "3", "--raw"], environment: Self.bob)
        #expect(since.output.hasPrefix("4\talice"))
        #expect(try client.cursor("tube:bob", channel: "ch").lastID == 4)
    }

    @Test("the cursor moves only by compare-and-set: a stale from is 409 CURSOR_MOVED")
    func compareAndSet() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = daemon.client()
        let fresh = try client.cursor("fleet:x", channel: "jobs:*")
        #expect(fresh.lastID == 0 && fresh.updatedAt == nil && fresh.channel == "jobs:*")
        #expect(try client.advanceCursor("fleet:x", CursorAdvanceRequest(channel: "jobs:*", from: 0, to: 5)).lastID == 5)
        do throws(ClientError) {
            _ = try client.advanceCursor("fleet:x", CursorAdvanceRequest(channel: "jobs:*", from: 0, to: 6))
            Issue.record("a stale from was accepted")
        } catch {
            #expect(error.code == "CURSOR_MOVED")
            if case .daemon(let status, _) = error { #expect(status == 409) }
        }
        #expect(try client.cursor("fleet:x", channel: "jobs:*").lastID == 5)
        #expect(try client.send("GET", "/cursors/fleet:x", body: nil).status == 400)
        #expect(try client.send("GET", "/cursors/fleet:x?channel=Bad%20Name", body: nil).status == 400)
    }
}
