import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd tube CHANNEL`: a conversational pipe over the durable cursor `tube:<agent>`.
    struct Tube: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a channel one message at a time on your durable cursor, or send to it (--send, --reply-to).",
            discussion: """
                Without flags: wait for the first message after your cursor (consumer tube:<agent>), print it with how \
                to reply, advance the cursor and exit. Readers of one agent compete: each message is printed by one.
                """)
        @Argument(help: "Channel, e.g. agent:notes.") var channel: String
        @Flag(name: .long, help: "Print every pending message and exit (even when there is none).") var once = false
        @Flag(name: .long, help: "Follow forever.") var tail = false
        @Flag(name: .long, help: "Publish stdin, up to EOF, as one message.") var send = false
        @Option(name: .customLong("reply-to"), help: "Send stdin as a reply to this message id (implies --send).") var replyTo: Int64?
        @Option(name: .long, help: "Start after this message id (and still advance the cursor).") var since: Int64?
        @Flag(name: .customLong("no-history"), help: "Neither read nor advance the cursor.") var noHistory = false
        @Flag(name: .long, help: "Tab-separated lines: id, sender, inReplyTo, body.") var raw = false
        @Option(name: .long, help: "With --once: print at most this many (default: all pending; 20 with --no-history).") var limit: Int?
        @OptionGroup var naming: ChannelNaming
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if once && tail { throw ValidationError("--once and --tail exclude each other") }
            if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
            if noHistory && since != nil { throw ValidationError("--no-history and --since exclude each other") }
        }

        func run() throws {
            let typed = try validatedChannel(channel, pattern: false)
            let client = try global.client()
            let name = try naming.resolve(typed, client: client)
            if send || replyTo != nil { return try publish(client, name) }
            let reader = TubeReader(client: client, channel: name, consumer: ConsumerName.tube(client.agentID ?? AgentContext.current()))
            let show: (ChannelMessageInfo) -> Void = { emit($0, name) }
            if noHistory {
                try reader.withoutCursor(once: once, tail: tail, limit: limit ?? 20, show)
            } else {
                try reader.onCursor(since: since, once: once, tail: tail, limit: limit ?? .max, show)
            }
        }

        func publish(_ client: PortDaddyClient, _ name: String) throws {
            var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            let request = PublishRequest(message: text, sender: client.agentID, inReplyTo: replyTo)
            let stored = try attempt { try client.publish(name, request) }
            if global.json { return global.output.json(stored) }
            global.output.line(String(stored.id))
        }

        func emit(_ m: ChannelMessageInfo, _ name: String) {
            if global.json {
                global.output.jsonLine(m)
            } else if raw {
                let body = m.message.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
                print([String(m.id), m.sender ?? "", m.inReplyTo.map(String.init) ?? "", body].joined(separator: "\t"))
            } else {
                let thread = m.inReplyTo.map { " (re #\($0))" } ?? ""
                print("#\(m.id) \(m.sender ?? "someone") \(Output.age(sinceMillis: m.createdAt))\(thread): \(m.message)")
                print("  ↳ reply: echo … | pd tube \(name) --reply-to=\(m.id)")
            }
            fflush(nil)
        }
    }
}
