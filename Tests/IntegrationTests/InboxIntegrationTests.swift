import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("the inbox on consumer cursors against a real daemon")
struct InboxIntegrationTests {
    func decode<T: Decodable>(_ type: T.Type, _ result: CommandResult) throws -> T {
        guard result.status == 0 else { throw TestFailure("pd failed (\(result.status)): \(result.stderr)") }
        return try JSONDecoder().decode(type, from: Data(result.stdout.utf8))
    }

    static let captain = ["PD_AGENT_ID": "captain"]
    static let mate = ["PD_AGENT_ID": "mate"]

    @Test("§B.3 Test 14: pd inbox watch --agent CAPTAIN streams CAPTAIN's inbox and does not move CAPTAIN's read cursor")
    func watchAnotherAgentsInbox() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        try daemon.pd(["inbox", "send", "captain", "old orders", "--sender", "admiral"])
        #expect(try daemon.pd(["inbox", "read-all"], environment: Self.captain).output == "marked 1 message(s) read")
        let client = daemon.client()
        let before = try client.cursor(ConsumerName.inbox("captain"), channel: "inbox:captain")
        #expect(before.lastID == 1)

        // The watcher starts after CAPTAIN's read cursor, so the message sent next is the first it prints.
        let watcher = try daemon.spawnPD(["inbox", "watch", "--agent", "CAPTAIN", "--once"], environment: Self.mate)
        try daemon.pd(["inbox", "send", "captain", "new heading 270", "--sender", "pilot"])
        let watched = watcher.wait()
        #expect(watched.status == 0)
        #expect(watched.stdout.contains("pilot: new heading 270") && !watched.stdout.contains("old orders"))

        // A second watcher starts after the same read cursor, so it sees the same unread message.
        let again = try daemon.pd(["inbox", "watch", "--agent", "captain", "--once", "--json"], environment: Self.mate)
        #expect(try decode(ChannelMessageInfo.self, again).message == "new heading 270")

        // CAPTAIN's read cursor did not move: the message is still unread for CAPTAIN, and nothing touched mate's.
        #expect(try client.cursor(ConsumerName.inbox("captain"), channel: "inbox:captain") == before)
        let unread = try decode(InboxResponse.self, try daemon.pd(["inbox", "list", "--unread", "--json"], environment: Self.captain))
        #expect(unread.messages.map(\.message) == ["new heading 270"] && unread.readUpTo == 1)
        #expect(try client.cursor(ConsumerName.inbox("mate"), channel: "inbox:mate").updatedAt == nil)
    }

    @Test("read-all moves the inbox's consumer cursor inbox:<agent>, the cursor pd tube's consumers use")
    func readAllMovesTheConsumerCursor() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        for text in ["one", "two"] { try daemon.pd(["inbox", "send", "deckhand", text]) }
        let client = daemon.client()
        #expect(try client.cursor("inbox:deckhand", channel: "inbox:deckhand").lastID == 0)
        #expect(try daemon.pd(["inbox", "read-all"], environment: ["PD_AGENT_ID": "Deckhand"]).output == "marked 2 message(s) read")
        #expect(try client.cursor("inbox:deckhand", channel: "inbox:deckhand").lastID == 2)
        // Nothing new: read-all marks none and leaves the cursor where it is.
        #expect(try daemon.pd(["inbox", "read-all"], environment: ["PD_AGENT_ID": "deckhand"]).output == "marked 0 message(s) read")
        #expect(try client.cursor("inbox:deckhand", channel: "inbox:deckhand").lastID == 2)
    }

    @Test("the inbox and pd tube name their consumers one way (ConsumerName), with the agent id lower-cased")
    func consumersAreNamedOneWay() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        try daemon.pd(["tube", "ship:log", "--send"], stdin: "anchored", environment: Self.mate)
        #expect(try daemon.pd(["tube", "ship:log", "--once", "--raw"], environment: ["PD_AGENT_ID": "Bosun"]).output == "1\tmate\t\tanchored")
        let client = daemon.client()
        #expect(try client.cursor(ConsumerName.tube("BOSUN"), channel: "ship:log").lastID == 1)
        #expect(ConsumerName.tube("Bosun") == "tube:bosun" && ConsumerName.inbox("Bosun") == "inbox:bosun")
        try daemon.pd(["inbox", "send", "bosun", "report"])
        #expect(try daemon.pd(["inbox", "read-all"], environment: ["PD_AGENT_ID": "BOSUN"]).output == "marked 1 message(s) read")
        #expect(try client.cursor(ConsumerName.inbox("bosun"), channel: "inbox:bosun").lastID == 2)
    }
}
