import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd fleet events [-f] [--project P]`.
    struct FleetEvents: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "events", abstract: "Fleet lifecycle events (channel fleet:events): what is kept, then live with -f.")
        @Flag(name: .shortAndLong, help: "Keep following new events (Ctrl-C ends).") var follow = false
        @Option(help: "Only this project's fleet.") var project: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let printer = FleetEventPrinter(output: global.output, json: global.json)
            let path = PortDaddyClient.fleetEventsPath(project: project)
            if follow {
                return try followEvents(global, path: path, after: 0) { event in
                    printer.print(event).map { .seen($0.id) } ?? .skip
                }
            }
            let client = try global.client()
            var cursor: Int64 = 0
            var seen = false
            while true {
                let page = try attempt { try client.history(FleetChannels.events, after: cursor, limit: 1000) }
                for message in page.messages {
                    let event = SSEEvent(id: String(message.id), event: "message", data: FleetEventPrinter.encode(message))
                    if let line = FleetEventPrinter.parse(event), project == nil || line.fields["project"] == project {
                        printer.print(event)
                        seen = true
                    }
                }
                guard page.messages.count == 1000 else { break }
                cursor = page.cursor
            }
            if !seen && !global.json { global.output.line("no fleet events yet") }
        }
    }

    /// `pd fleet prompt [--project P]`.
    struct FleetPromptCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prompt",
            abstract: "One line for a shell prompt, e.g. ⚓ myapp 2▶ 1⏸ $0.42/$5.00 (prints nothing when no fleet runs or no daemon answers).")
        @Option(help: "Only this project's fleet.") var project: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            // A prompt must never hang or start anything: no daemon, no line.
            guard let client = try? global.passiveClient(), let line = try? client.fleetPrompt(project: project), !line.isEmpty else { return }
            global.output.line(line)
        }
    }
}
