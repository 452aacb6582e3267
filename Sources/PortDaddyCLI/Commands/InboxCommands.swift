import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd inbox [list|send|read-all|clear|watch]`.
    struct InboxGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inbox", abstract: "Direct messages between agents.",
            subcommands: [List.self, Send.self, ReadAll.self, Clear.self, Watch.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show your inbox (--unread: only unread).")
            @Flag(name: .long) var unread = false
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.inbox(unread: unread) }
                if global.json { return global.output.json(response) }
                guard !response.messages.isEmpty else { return global.output.line("inbox of \(response.agentID) is empty") }
                for m in response.messages {
                    let mark = m.id > response.readUpTo ? global.output.bold("●") : " "
                    global.output.line("\(mark) #\(m.id) \(Output.age(sinceMillis: m.createdAt)) \(m.sender ?? "?"): \(m.message)")
                }
            }
        }

        struct Send: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Send a message to an agent's inbox.")
            @Argument(help: "Recipient agent id.") var agent: String
            @Argument(help: "The message.") var message: String
            @Option(name: .long, help: "Sender (default: you).") var sender: String?
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let stored = try attempt { try client.sendInbox(agent, PublishRequest(message: message, sender: sender ?? client.agentID)) }
                if global.json { return global.output.json(stored) }
                global.output.line(String(stored.id))
            }
        }

        struct ReadAll: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "read-all", abstract: "Mark your inbox read.")
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let answer = try attempt { try client.readAllInbox() }
                global.output.line("marked \(answer.marked) message(s) read")
            }
        }

        struct Clear: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete the messages in your inbox.")
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let answer = try attempt { try client.clearInbox() }
                global.output.line("removed \(answer.removed) message(s)")
            }
        }

        struct Watch: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Stream an inbox live, unread messages first (--once: exit after one).",
                discussion: """
                    Starts after the inbox's read cursor (consumer inbox:<agent>) and never moves it: --agent CAPTAIN \
                    watches CAPTAIN's inbox, and CAPTAIN still sees those messages as unread.
                    """)
            @Flag(name: .long, help: "Exit after the first message.") var once = false
            @Option(name: .long, help: "Whose inbox (default: yours).") var agent: String?
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let inbox = ConsumerName.inbox(agent ?? client.agentID ?? AgentContext.current())
                let readUpTo = try attempt { try client.cursor(inbox, channel: inbox) }.lastID
                var sub = Sub()
                sub.channel = inbox
                sub.once = once
                sub.since = readUpTo
                var literal = ChannelNaming()
                literal.raw = true
                sub.naming = literal
                sub.global = global
                try sub.run()
            }
        }
    }
}
