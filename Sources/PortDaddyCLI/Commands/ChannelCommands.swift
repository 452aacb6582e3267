import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

func validatedChannel(_ raw: String, pattern: Bool) throws -> String {
    let name: String
    do {
        if pattern { return try IdentityPattern(parsing: raw, maxSegments: ChannelName.maxSegments).description }
        name = try ChannelName(parsing: raw).value
    } catch {
        throw CLIError(error.description.replacingOccurrences(of: "identity", with: "channel"), exitCode: PDExit.usage)
    }
    guard name != ChannelDeclarationRules.reservedName else {
        throw CLIError("the channel name \(name) is reserved (it is the route of declared channels); choose another", exitCode: PDExit.usage)
    }
    return name
}

extension PD {
    /// `pd pub <channel> <message|->`.
    struct Pub: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a message on a channel ('-' reads it from stdin). Prints the message id.")
        @Argument(help: "Channel, e.g. swarm:general.") var channel: String
        @Argument(help: "The message, or - for stdin.") var message: String
        @Option(name: .long, help: "Signal flag: \(Signal.all.joined(separator: ", ")).") var signal: String?
        @Option(name: .long, help: "Sender name (default $PD_AGENT_ID).") var sender: String?
        @OptionGroup var naming: ChannelNaming
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let typed = try validatedChannel(channel, pattern: false)
            var text = message
            if message == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
            }
            if let signal, !Signal.all.contains(signal.lowercased()) {
                throw CLIError("\"\(signal)\" is not a signal; use one of \(Signal.all.joined(separator: ", "))", exitCode: PDExit.usage)
            }
            let client = try global.client()
            let name = try naming.resolve(typed, client: client)
            let stored = try attempt {
                try client.publish(name, PublishRequest(message: text, sender: sender ?? PortDaddyEnvironment.value("PD_AGENT_ID"), signal: signal))
            }
            if global.json { return global.output.json(stored) }
            global.output.line(String(stored.id))
        }
    }

    /// `pd sub <channel|pattern>`: stream messages until interrupted.
    struct Sub: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print messages on a channel or pattern (myapp:*, *) as they arrive; reconnects and resumes by id.")
        @Argument(help: "Channel or pattern.") var channel: String
        @Flag(name: .long, help: "Exit after the first message.") var once = false
        @Option(name: .long, help: "Start after this message id (replays what came after it).") var since: Int64?
        @OptionGroup var naming: ChannelNaming
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let typed = try validatedChannel(channel, pattern: true)
            let client = try global.client()
            let pattern = try naming.resolve(typed, client: client)
            let start = try since ?? attempt { try client.channels().cursor }
            let out = global.output
            try followEvents(global, path: PortDaddyClient.channelStreamPath(pattern), after: start, failFast: once) { event in
                guard event.event == "message", let message = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else {
                    return .skip
                }
                if global.json {
                    out.jsonLine(message)
                } else {
                    print(Self.render(message, out))
                }
                fflush(nil)
                return once ? .stop(message.id) : .seen(message.id)
            }
        }

        static func render(_ m: ChannelMessageInfo, _ out: Output) -> String {
            let formatter = DateFormatter()
            formatter.dateFormat = "HH:mm:ss"
            let time = formatter.string(from: Date(timeIntervalSince1970: Double(m.createdAt) / 1000))
            let flag = m.signal.map { out.yellow(" ⚑" + $0) } ?? ""
            let sender = m.sender.map { " " + out.bold($0) + ":" } ?? ""
            return "\(out.dim(time)) \(out.dim("#\(m.id)")) \(m.channel)\(flag)\(sender) \(m.message)"
        }
    }

    /// `pd channels` and `pd channels clear <channel>`.
    struct Channels: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List channels with their retained message count and last message, clear one, or declare one for a repository.",
            subcommands: [List.self, Clear.self, Ensure.self, Discover.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List channels.")
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.channels() }
                if global.json { return global.output.json(response) }
                guard !response.channels.isEmpty else { return global.output.line("no channels") }
                global.output.table(
                    ["CHANNEL", "MESSAGES", "LAST", "LAST MESSAGE"],
                    response.channels.map { c in
                        [
                            c.channel, String(c.count), c.last.map { Output.age(sinceMillis: $0.createdAt) } ?? "-",
                            String((c.last?.message ?? "").replacingOccurrences(of: "\n", with: " ").prefix(60)),
                        ]
                    })
            }
        }

        struct Clear: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete a channel's retained messages.")
            @Argument(help: "Channel.") var channel: String
            @OptionGroup var naming: ChannelNaming
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let typed = try validatedChannel(channel, pattern: false)
                let client = try global.client()
                let name = try naming.resolve(typed, client: client)
                let response = try attempt { try client.clearChannel(name) }
                if global.json { return global.output.json(response) }
                global.output.line("cleared \(response.removed) message(s) from \(response.channel)")
            }
        }
    }
}
