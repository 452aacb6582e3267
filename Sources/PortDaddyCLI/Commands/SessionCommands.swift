import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

/// Resolves paths to absolute real paths (symlinks resolved; a path that does not exist yet keeps its name
/// under its resolved parent).
func realPaths(_ paths: [String]) -> [String] {
    let cwd = FileManager.default.currentDirectoryPath
    return paths.map { raw in
        let absolute = raw.hasPrefix("/") ? raw : cwd + "/" + raw
        let url = URL(fileURLWithPath: absolute).standardizedFileURL
        if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }
}

extension PD {
    /// `pd begin "<purpose>"`.
    struct Begin: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a work session: registers the agent, claims a port (--identity) and files (--files).",
            discussion: "Prints the agent and session ids and the line that exports PD_AGENT_ID; --json for agents.")
        @Argument(help: "What this session is for.") var purpose: String
        @Option(name: .long, help: "Claim a port for this identity for the session.") var identity: String?
        @Option(name: .long, parsing: .upToNextOption, help: "Files to claim for the session.") var files: [String] = []
        @Option(name: .long, help: "Agent id (default $PD_AGENT_ID, else this terminal session).") var agent: String?
        @Option(name: .long, help: "A display name for the agent (a public label).") var name: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let id = agent ?? AgentContext.current()
            client.agentID = id
            // The CLI reads the files (as the user) for their hashes; the daemon never reads a path it is sent.
            let paths = realPaths(files)
            var hashes: [String: String] = [:]
            for path in paths { hashes[path] = ContentHash.ofFile(atPath: path) }
            let response = try attempt {
                try client.begin(
                    BeginRequest(
                        purpose: purpose, agent: id, identity: identity, files: paths, pid: PID(system: getppid()), name: name,
                        fileHashes: hashes.isEmpty ? nil : hashes))
            }
            if !response.deadInProject.isEmpty {
                Output.warn("\(response.deadInProject.count) dead agent(s) in this project left work behind: pd salvage")
            }
            if global.json { return global.output.json(response) }
            global.output.line("agent    \(response.agentID)")
            global.output.line("session  \(response.session.id)")
            if let port = response.port { global.output.line("port     \(port)") }
            global.output.line("export PD_AGENT_ID=\(response.agentID)")
        }
    }

    /// `pd note "<text>"`.
    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to your active session (without one, it starts a \"quick notes\" session).")
        @Argument(help: "The note.") var text: String
        @Option(name: .long, help: "note, handoff, finding, blocker or commit.") var type: String = "note"
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let kind = NoteType(rawValue: type) else {
                throw CLIError("--type must be one of \(NoteType.allCases.map(\.rawValue).joined(separator: ", "))", exitCode: PDExit.usage)
            }
            let client = try global.client()
            let note = try attempt { try client.note(NoteRequest(text: text, type: kind)) }
            if global.json { return global.output.json(note) }
            global.output.line("noted (\(note.type.rawValue)) in \(note.sessionID)")
            if note.startedSession == true {
                Output.warn("you had no active session, so this note started one (\"\(SessionPurpose.quickNotes)\"); pd done ends it")
            }
        }
    }

    /// `pd notes`.
    struct Notes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the notes of your active session (--all: every session of yours).")
        @Flag(name: .long, help: "Notes of all your sessions.") var all = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let answer = try attempt { try client.notes(all: all) }
            if global.json { return global.output.json(answer) }
            for note in answer.notes { global.output.line("\(Output.age(sinceMillis: note.at)) [\(note.type.rawValue)] \(note.text)") }
        }
    }

    /// `pd phase <phase>`.
    struct Phase: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the phase of your active session.")
        @Argument(help: "planning, in_progress, testing, reviewing, completed or abandoned.") var phase: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let value = SessionPhase(rawValue: phase) else {
                throw CLIError("phase must be one of \(SessionPhase.allCases.map(\.rawValue).joined(separator: ", "))", exitCode: PDExit.usage)
            }
            let client = try global.client()
            let session = try attempt { try client.phase(value) }
            if global.json { return global.output.json(session) }
            global.output.line("\(session.id): \(session.phase.rawValue)")
        }
    }

    /// `pd done`.
    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End your active session; releases its file claims and port.")
        @Argument(help: "A closing note (a handoff).") var note: String?
        @Flag(name: .long, help: "End it as abandoned.") var abandon = false
        @Option(name: .long, help: "Also add this changelog entry for the session's identity (or the agent's).") var changelog: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            var identity: String?
            if changelog != nil {
                let who = try attempt { try client.whoami() }
                identity = who.session?.identity ?? who.agent?.identity
                guard identity != nil else {
                    throw CLIError(
                        "--changelog needs an identity: begin the session with --identity (or register the agent with one)", exitCode: PDExit.usage)
                }
            }
            // While the session is still active, so the entry names it.
            if let changelog, let identity { _ = try attempt { try client.addChange(ChangeRequest(identity: identity, summary: changelog)) } }
            let session = try attempt { try client.done(DoneRequest(note: note, abandon: abandon ? true : nil)) }
            if global.json { return global.output.json(session) }
            global.output.line("\(session.id) \(session.state) (\(session.notes.count) note(s), \(session.files.count) file claim(s) released)")
        }
    }

    /// `pd whoami`.
    struct Whoami: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which agent you are and your active session.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let answer = try attempt { try client.whoami() }
            if global.json { return global.output.json(answer) }
            global.output.line("agent    \(answer.agentID)" + (answer.agent.map { " (\($0.state))" } ?? " (not registered)"))
            if let s = answer.session {
                global.output.line("session  \(s.id) [\(s.phase.rawValue)] \(s.purpose)")
                if !s.files.isEmpty { global.output.line("files    \(s.files.joined(separator: " "))") }
            } else {
                global.output.line("session  none (pd begin \"<purpose>\")")
            }
        }
    }

    /// `pd sessions`.
    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active sessions of all agents (--all: ended ones too).")
        @Flag(name: .long, help: "Include ended sessions.") var all = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.sessions(all: all) }
            if global.json { return global.output.json(response) }
            guard !response.sessions.isEmpty else { return global.output.line("no sessions") }
            global.output.table(
                ["SESSION", "AGENT", "STATE", "PHASE", "NOTES", "FILES", "PURPOSE"],
                response.sessions.map {
                    [$0.id, $0.agentID, $0.state, $0.phase.rawValue, String($0.notes.count), String($0.files.count), String($0.purpose.prefix(50))]
                })
        }
    }
}
