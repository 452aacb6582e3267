import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd agent register|heartbeat|unregister`.
    struct AgentGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agent", abstract: "Launch an agent (pd agent \"task\"), or register one, heartbeat, unregister.",
            subcommands: [Run.self, Register.self, Heartbeat.self, Unregister.self], defaultSubcommand: Run.self)

        struct Register: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register an agent (alive while it heartbeats within its TTL, or while --pid runs).")
            @Option(name: .long, help: "Agent id (default $PD_AGENT_ID, else this terminal session).") var agent: String?
            @Option(name: .long, help: "Identity it works on, e.g. myapp:api.") var identity: String?
            @Option(name: .long, help: "What it is doing.") var purpose: String?
            @Option(name: .long, help: "A process whose life keeps the agent alive.") var pid: Int?
            @Option(name: .long, help: "Heartbeat TTL (default 10m).") var ttl: String?
            @Option(name: .long, help: "A display name (a public label).") var name: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let id = agent ?? AgentContext.current()
                let response = try attempt {
                    try client.register(
                        AgentRegisterRequest(
                            id: id, identity: identity, purpose: purpose, pid: try pidOption(pid), ttl: try durationOption(ttl, "--ttl"), name: name))
                }
                if let notice = response.notice { Output.warn(notice) }
                if global.json { return global.output.json(response) }
                global.output.line("registered \(response.agent.id)")
                global.output.line("export PD_AGENT_ID=\(response.agent.id)")
            }
        }

        struct Heartbeat: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Tell the daemon you are alive (any pd command does too).")
            @Option(name: .long, help: "Agent id (default $PD_AGENT_ID, else this terminal session).") var agent: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let info = try attempt { try client.heartbeat(agent ?? AgentContext.current()) }
                if global.json { return global.output.json(info) }
                global.output.line("\(info.id) \(info.state)")
            }
        }

        struct Unregister: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Unregister: your session ends as abandoned, your locks and file claims are released.")
            @Option(name: .long, help: "Agent id (default $PD_AGENT_ID, else this terminal session).") var agent: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let id = agent ?? AgentContext.current()
                let answer = try attempt { try client.unregister(id) }
                global.output.line("unregistered \(answer.unregistered)")
            }
        }
    }

    /// `pd agents`.
    struct Agents: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List agents: alive, stale, dead or gone.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.agents() }
            if global.json { return global.output.json(response) }
            guard !response.agents.isEmpty else { return global.output.line("no agents") }
            global.output.table(
                ["AGENT", "NAME", "STATE", "IDENTITY", "SESSION", "HEARTBEAT", "PURPOSE"],
                response.agents.map {
                    [
                        $0.id, String(($0.name ?? "-").prefix(32)), $0.state, $0.identity ?? "-", $0.activeSession ?? "-",
                        Output.age(sinceMillis: $0.lastHeartbeat),
                        String(($0.purpose ?? "").prefix(40)),
                    ]
                })
        }
    }

    /// `pd salvage [claim|complete|dismiss]`.
    struct SalvageGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "salvage", abstract: "Dead agents' sessions, notes and file claims waiting for a taker.",
            subcommands: [List.self, Claim.self, Complete.self, Dismiss.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List salvage (waiting entries; --all for resolved ones).")
            @Option(name: .long, help: "Only this project.") var project: String?
            @Flag(name: .long, help: "Include claimed, completed and dismissed entries.") var all = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.salvage(project: project, all: all) }
                if global.json { return global.output.json(response) }
                guard !response.salvage.isEmpty else { return global.output.line("nothing to salvage") }
                for entry in response.salvage {
                    global.output.line(
                        "\(global.output.bold(entry.agentID)) [\(entry.state)] died \(Output.age(sinceMillis: entry.diedAt))"
                            + (entry.identity.map { " on \($0)" } ?? ""))
                    for session in entry.sessions {
                        global.output.line("  \(session.id) [\(session.phase.rawValue)] \(session.purpose)")
                        for note in session.notes { global.output.line("    [\(note.type.rawValue)] \(note.text)") }
                        for file in session.files { global.output.line("    file \(file)") }
                    }
                }
                global.output.line("take one over with: pd salvage claim <agent>")
            }
        }

        struct Claim: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Move a dead agent's notes and file claims into your active session.")
            @Argument(help: "The dead agent's id.") var agent: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let session = try attempt { try client.claimSalvage(agent) }
                if global.json { return global.output.json(session) }
                global.output.line("\(agent)'s work is now in \(session.id): \(session.notes.count) note(s), \(session.files.count) file(s)")
            }
        }

        struct Complete: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Mark a dead agent's salvage as completed.")
            @Argument(help: "The dead agent's id.") var agent: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                _ = try attempt { try client.completeSalvage(agent) }
                global.output.line("salvage of \(agent) completed")
            }
        }

        struct Dismiss: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Dismiss a dead agent's salvage.")
            @Argument(help: "The dead agent's id.") var agent: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                _ = try attempt { try client.dismissSalvage(agent) }
                global.output.line("salvage of \(agent) dismissed")
            }
        }
    }

    /// `pd integration ready|needs|list`.
    struct Integration: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Signal that an identity is ready, or needs something; list signals.",
            subcommands: [Ready.self, Needs.self, List.self], defaultSubcommand: List.self)

        struct Ready: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Signal that an identity is ready (unblocks pd wait).")
            @Argument(help: "Identity.") var identity: String
            @Argument(help: "Detail.") var detail: String?
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let signal = try attempt { try client.signalReady(IntegrationRequest(identity: identity, detail: detail)) }
                if global.json { return global.output.json(signal) }
                global.output.line("\(signal.identity) ready")
            }
        }

        struct Needs: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Record that an identity needs something.")
            @Argument(help: "Identity.") var identity: String
            @Argument(help: "What it needs.") var detail: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let signal = try attempt { try client.signalNeeds(IntegrationRequest(identity: identity, detail: detail)) }
                if global.json { return global.output.json(signal) }
                global.output.line("\(signal.identity) needs \(signal.detail)")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List integration signals.")
            @OptionGroup var global: GlobalOptions
            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.integration() }
                if global.json { return global.output.json(response) }
                guard !response.signals.isEmpty else { return global.output.line("no signals") }
                global.output.table(
                    ["IDENTITY", "SIGNAL", "DETAIL", "BY", "WHEN"],
                    response.signals.map { [$0.identity, $0.kind, $0.detail, $0.agentID ?? "-", Output.age(sinceMillis: $0.at)] })
            }
        }
    }

    /// `pd wait <identity…>`.
    struct Wait: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block until every identity is signalled ready or its port is listening (exit 4 on timeout).")
        @Argument(help: "Identities.") var identities: [String]
        @Option(name: .long, help: "Give up after this long (default 60s).") var timeout: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            for identity in identities {
                do { _ = try Identity(parsing: identity) } catch { throw CLIError(error.description, exitCode: PDExit.usage) }
            }
            let seconds = try durationOption(timeout, "--timeout")?.seconds ?? 60
            let client = try global.client()
            let response = try attempt { try client.wait(for: identities, timeout: seconds) }
            if global.json { global.output.json(response) }
            guard response.ready else {
                throw CLIError("still waiting for \(response.pending.joined(separator: ", "))", exitCode: PDExit.portUnavailable)
            }
            if !global.json { global.output.line("ready: \(identities.joined(separator: ", "))") }
        }
    }

    /// `pd activity`.
    struct Activity: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The audit trail: claims, releases, reaps, locks, sessions, salvage.")
        @Option(name: .long, help: "Only records newer than this, e.g. 30m.") var since: String?
        @Option(name: .long, help: "Only this type (or prefix: lock, claim, session, agent, salvage).") var type: String?
        @Option(name: .long, help: "At most this many (newest).") var limit = 200
        @Flag(name: .long, help: "Keep printing new records as they happen.") var follow = false
        @OptionGroup var global: GlobalOptions

        func print(_ r: ActivityInfo) {
            if global.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                global.output.line(String(decoding: (try? encoder.encode(r)) ?? Data(), as: UTF8.self))
            } else {
                global.output.line(
                    "\(Output.age(sinceMillis: r.at)) \(r.type) \(r.subject)" + (r.actor.map { " by \($0)" } ?? "")
                        + (r.detail.map { " (\($0))" } ?? ""))
            }
        }

        func run() throws {
            if follow {
                let client = try global.client()
                var cursor: Int64?
                // With --since, print the recent records first, then follow from the last one.
                if let since = try durationOption(since, "--since") {
                    let cutoff = Int64((Date().timeIntervalSince1970 - since.seconds) * 1000)
                    let recent = try attempt { try client.activity(since: cutoff, type: type, limit: limit) }
                    recent.activity.forEach(print)
                    fflush(nil)
                    if let last = recent.activity.last?.id {
                        cursor = last
                    } else {
                        cursor = try attempt { try client.activity(since: nil, type: nil, limit: 1) }.activity.last?.id ?? 0
                    }
                }
                try followEvents(global, path: PortDaddyClient.activityStreamPath(type: type), after: cursor) { event in
                    guard event.event == "activity", let r = try? JSONDecoder().decode(ActivityInfo.self, from: Data(event.data.utf8)) else {
                        return .skip
                    }
                    print(r)
                    fflush(nil)
                    return .seen(r.id)
                }
                return
            }
            let cutoff = try durationOption(since, "--since").map { Int64((Date().timeIntervalSince1970 - $0.seconds) * 1000) }
            let client = try global.client()
            let response = try attempt { try client.activity(since: cutoff, type: type, limit: limit) }
            if global.json { return global.output.json(response) }
            for r in response.activity { print(r) }
        }
    }
}
