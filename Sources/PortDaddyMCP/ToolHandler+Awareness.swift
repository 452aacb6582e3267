import Foundation
import MCP
import PortDaddyAPI
import PortDaddyClient

/// The `say`, `look` and `memory` tools: shared memory and situational awareness.
extension ToolHandler {
    func say(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let type = try args.string("type").map { raw throws(ToolFailure) -> NoteType in
            guard let type = NoteType(rawValue: raw) else { throw .invalid("type must be note, handoff, finding, blocker or commit") }
            return type
        }
        var heat: [SayRequest.Heat] = []
        if let map = args.values["heat"], !map.isNull {
            guard let object = map.objectValue else { throw .invalid("heat must be an object of path → number") }
            for (path, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let number = value.doubleValue ?? value.intValue.map(Double.init) else { throw .invalid("heat of \(path) must be a number") }
                heat.append(SayRequest.Heat(path: path, value: number))
            }
        }
        let request = SayRequest(
            text: try args.required("text"), type: type, pin: try args.bool("pin"), harbor: try args.string("harbor"), heat: heat,
            broadcast: try args.strings("broadcast"), noNote: try args.bool("no_note"))
        let (value, r) = try run { c throws(ClientError) in try c.say(request) }
        let parts =
            (r.note.map { ["note #\($0.id)"] } ?? []) + (r.tuple.map { ["tuple #\($0.id)"] } ?? []) + r.pheromones.map { "heat on \($0.id)" }
            + r.messages.map { "message #\($0.id) on \($0.channel)" }
        return (value, "said: " + parts.joined(separator: ", "))
    }

    func look(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let project = try args.string("project")
        switch try args.action(["look", "briefing", "advise"]) {
        case "look":
            let (since, heat) = (try args.string("since"), try args.bool("heat") ?? false)
            let (value, r) = try run { c throws(ClientError) in try c.look(since: since, project: project, heat: heat) }
            return (value, r.summary)
        case "briefing":
            let (value, r) = try run { c throws(ClientError) in try c.briefing(project: project) }
            return (value, "\(r.agents.count) agents, \(r.sessions.count) sessions, \(r.files.count) file claims, \(r.salvage.count) salvage waiting")
        default:
            let path = try args.required("path")
            guard path.hasPrefix("/") else { throw .invalid("path must be absolute") }
            let (task, tuples) = (try args.string("task"), try args.bool("tuples") ?? false)
            let (value, r) = try run { c throws(ClientError) in
                try c.advise(path: path, task: task, project: project, hash: nil, repo: nil, tuples: tuples)
            }
            let flagged = r.checks.filter { $0.status == .warn || $0.status == .block }
            return (
                value,
                ([r.verdict.rawValue] + flagged.map { "\($0.id): \($0.evidence)" + ($0.action.map { " → \($0)" } ?? "") }).joined(separator: "\n")
            )
        }
    }

    func memory(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let (project, since, limit) = (try args.string("project"), try args.string("since"), try args.int("limit"))
        switch try args.action(["tiers", "tier", "episodes", "stats", "changelog", "changelog_add"]) {
        case "tiers":
            let (value, r) = try run { c throws(ClientError) in try c.memoryTiers() }
            return (value, r.totals.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        case "tier":
            let name = try args.required("name")
            let (value, r) = try run { c throws(ClientError) in try c.memoryTier(name) }
            return (value, "\(r.name): \(r.tier), \(r.count) (\(r.retention))")
        case "episodes":
            let type = try args.string("type")
            let (value, r) = try run { c throws(ClientError) in try c.episodes(project: project, type: type, since: since, limit: limit) }
            return (value, r.episodes.isEmpty ? "no episodes" : r.episodes.map { "[\($0.type.rawValue)] \($0.text)" }.joined(separator: "\n"))
        case "stats":
            let (value, r) = try run { c throws(ClientError) in try c.episodeStats(project: project) }
            return (value, "coverage \(Int((r.coverage * 100).rounded()))% of \(r.endedSessions) ended sessions")
        case "changelog":
            let identity = try args.string("identity")
            let (value, r) = try run { c throws(ClientError) in try c.changelog(identity: identity, since: since, limit: limit) }
            return (value, r.entries.map { "\($0.identity) \($0.type.rawValue): \($0.summary)" }.joined(separator: "\n"))
        default:
            let type = try args.string("type").map { raw throws(ToolFailure) -> ChangeType in
                guard let type = ChangeType(rawValue: raw) else { throw .invalid("type must be feat, fix, refactor, docs, chore or note") }
                return type
            }
            let request = ChangeRequest(identity: try args.required("identity"), summary: try args.required("summary"), type: type)
            let (value, r) = try run { c throws(ClientError) in try c.addChange(request) }
            return (value, "changelog #\(r.id) for \(r.identity)")
        }
    }
}

/// The `wallet` tool: reads of wallets, bonds, pending kills and the panic switch (no money moves over MCP).
extension ToolHandler {
    func wallet(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let project = try args.string("project")
        switch try args.action(["list", "show", "bonds", "pending", "panic"]) {
        case "list":
            let (value, r) = try run { c throws(ClientError) in try c.wallets() }
            return (value, r.wallets.map(Self.line).joined(separator: "\n"))
        case "show":
            guard let project else { throw .invalid("project is required") }
            let (value, r) = try run { c throws(ClientError) in try c.wallet(project) }
            return (value, Self.line(r))
        case "bonds":
            let state = try args.string("state")
            let (value, r) = try run { c throws(ClientError) in try c.bonds(project: project, state: state) }
            return (value, r.bonds.map { "\($0.id) \($0.run) \($0.amount.usd) \($0.state.rawValue)" }.joined(separator: "\n"))
        case "pending":
            let (value, r) = try run { c throws(ClientError) in try c.pendingKills() }
            return (
                value,
                r.pending.isEmpty
                    ? "no run is waiting on its budget" : r.pending.map { "\($0.run) \($0.project) deadline \($0.deadline)" }.joined(separator: "\n")
            )
        default:
            let (value, r) = try run { c throws(ClientError) in try c.panicState() }
            return (value, r.state.rawValue)
        }
    }

    static func line(_ w: WalletInfo) -> String {
        "\(w.project): balance \(w.balance.usd), spent today \(w.spentToday.usd) of \(w.allowance?.usd ?? "no budget")"
    }
}

/// The `fleet` tool: what the fleets are doing (starting and stopping them stays the user's, from `pd`).
extension ToolHandler {
    func fleet(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let project = try args.string("project")
        var (value, r) = try run { c throws(ClientError) in try c.fleets() }
        if let project {
            r.fleets = r.fleets.filter { $0.project == project }
            do { value = try Value(r) } catch { throw .refused(.daemon(.internal), message: "cannot encode the answer: \(error)") }
        }
        let lines = r.fleets.map { fleet in
            "\(fleet.project) \(fleet.name) \(fleet.state): "
                + fleet.agents.map { "\($0.name) \($0.status)\($0.queueDepth > 0 ? " (\($0.queueDepth) queued)" : "")" }.joined(separator: ", ")
        }
        return (value, ((r.panicked ? ["PANICKED"] : []) + (lines.isEmpty ? ["no fleet runs"] : lines)).joined(separator: "\n"))
    }
}
