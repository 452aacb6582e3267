import Dispatch
import PortDaddyAPI
import Synchronization
import Testing

@testable import PortDaddyCore

@Suite("Consumer cursors")
struct ConsumerCursorTests {
    @Test("of 16 concurrent advances from the same position exactly one wins; the others get CURSOR_MOVED")
    func concurrentCompareAndSet() throws {
        let h = Harness()
        defer { h.cleanup() }
        let cursors = ConsumerCursors(store: try h.store(), clock: h.clock)
        let wins = Atomic<Int>(0)
        let moved = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { n in
            do throws(PortDaddyError) {
                _ = try cursors.advance(consumer: "tube:a", channel: "ch", from: 0, to: Int64(n + 1))
                wins.add(1, ordering: .relaxed)
            } catch {
                if error.code == .cursorMoved { moved.add(1, ordering: .relaxed) }
            }
        }
        #expect(wins.load(ordering: .relaxed) == 1 && moved.load(ordering: .relaxed) == 15)
        let now = try cursors.cursor(consumer: "tube:a", channel: "ch")
        #expect(now.lastID > 0 && now.updatedAt == h.clock.nowMillis())
        // Each consumer and each channel pattern has a cursor of its own.
        #expect(try cursors.cursor(consumer: "tube:b", channel: "ch").lastID == 0)
        #expect(try cursors.cursor(consumer: "tube:a", channel: "ch:*").lastID == 0)
    }

    @Test("bad consumers, channels and ids are refused; cursors survive reopening the store")
    func validationAndDurability() throws {
        let h = Harness()
        defer { h.cleanup() }
        let cursors = ConsumerCursors(store: try h.store(), clock: h.clock)
        for bad in ["", String(repeating: "x", count: 201), "a\nb"] {
            #expect(throws: PortDaddyError.self) { try cursors.cursor(consumer: bad, channel: "ch") }
        }
        #expect(throws: PortDaddyError.self) { try cursors.cursor(consumer: "c", channel: "Bad Name") }
        #expect(throws: PortDaddyError.self) { try cursors.advance(consumer: "c", channel: "ch", from: 0, to: -1) }
        _ = try cursors.advance(consumer: "c", channel: "ch", from: 0, to: 7)
        #expect(try ConsumerCursors(store: try h.store(), clock: h.clock).cursor(consumer: "c", channel: "ch").lastID == 7)
    }

    @Test("inReplyTo must be a retained message of the same channel")
    func replyValidation() throws {
        let h = Harness()
        defer { h.cleanup() }
        let channels = ChannelService(store: try h.store(), clock: h.clock)
        let question = try channels.publish(to: try ChannelName(parsing: "q"), message: "?", sender: nil, signal: nil)
        let elsewhere = try channels.publish(to: try ChannelName(parsing: "other"), message: "x", sender: nil, signal: nil)
        let answer = try channels.publish(to: try ChannelName(parsing: "q"), message: "!", sender: nil, signal: nil, inReplyTo: question.id)
        #expect(answer.inReplyTo == question.id)
        #expect(try channels.history(try ChannelService.pattern("q"), after: 0, limit: 10).map(\.inReplyTo) == [nil, question.id])
        for bad in [elsewhere.id, 999] {
            #expect(throws: PortDaddyError.self) {
                try channels.publish(to: try ChannelName(parsing: "q"), message: "no", sender: nil, signal: nil, inReplyTo: bad)
            }
        }
        #expect(try channels.history(try ChannelService.pattern("q"), after: 0, limit: 10).count == 2)
    }
}
