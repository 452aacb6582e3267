import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd say TEXT`: a note, a pinned tuple, file heat and broadcasts — one transaction, all or nothing.
    struct Say: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say one thing everywhere at once: a session note, a pinned tuple, heat on files, messages on channels.",
            discussion: "Everything is written in one transaction: if any part is invalid or fails, none of it is written.")
        @Argument(help: "What you have to say.") var text: String
        @Option(name: .long, help: "The note's type: note, handoff, finding, blocker or commit.") var type: String = "note"
        @Flag(name: .long, help: "Also pin it as the tuple [\"note\", agent, session, text] in the harbor.") var pin = false
        @Option(name: .long, help: "Mark a file hot: PATH=V with V from 0 to 1 (repeatable).") var heat: [String] = []
        @Option(name: .long, help: "Also publish it on this channel (repeatable).") var broadcast: [String] = []
        @Flag(name: .long, help: "Write no note (then no session is needed).") var noNote = false
        @OptionGroup var harbor: HarborOption
        @OptionGroup var naming: ChannelNaming
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let kind = NoteType(rawValue: type) else {
                throw CLIError("--type must be one of \(NoteType.allCases.map(\.rawValue).joined(separator: ", "))", exitCode: PDExit.usage)
            }
            let marks = try heat.map(Self.heatMark)
            let client = try global.client()
            // Declared channels resolve as for pd pub; a bad name goes to the daemon as typed, which refuses the whole say.
            let channels = try broadcast.map { raw in (try? ChannelName(parsing: raw)) == nil ? raw : try naming.resolve(raw, client: client) }
            let request = SayRequest(
                text: text, type: kind, pin: pin, harbor: try harbor.resolved(), heat: marks, broadcast: channels, noNote: noNote)
            let said = try attempt { try client.say(request) }
            if global.json { return global.output.json(said) }
            var parts: [String] = []
            if let note = said.note { parts.append("note #\(note.id) (\(note.type.rawValue)) in \(note.sessionID)") }
            if let tuple = said.tuple { parts.append("tuple #\(tuple.id) in \(tuple.harbor)") }
            for trail in said.pheromones { parts.append("heat \(PheromoneGroup.format(trail.value)) on \(trail.id)") }
            for message in said.messages { parts.append("message #\(message.id) on \(message.channel)") }
            global.output.line("said: " + parts.joined(separator: ", "))
        }

        /// `PATH=V` → an absolute real path and a value in 0…1.
        static func heatMark(_ raw: String) throws -> SayRequest.Heat {
            guard let equals = raw.lastIndex(of: "="), let value = Double(raw[raw.index(after: equals)...]), value.isFinite,
                (0...1).contains(value), equals != raw.startIndex
            else { throw CLIError("--heat takes PATH=V with V from 0 to 1 (got \"\(raw)\")", exitCode: PDExit.usage) }
            return SayRequest.Heat(path: realPaths([String(raw[..<equals])])[0], value: value)
        }
    }
}
