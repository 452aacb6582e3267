import Foundation
import MCP
import PortDaddyAPI
import PortDaddyClient

extension ToolHandler {
    func lock(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let action = try args.action(["acquire", "extend", "release", "list"])
        if action == "list" {
            let (value, r) = try run { c throws(ClientError) in try c.locks() }
            return (
                value, r.locks.isEmpty ? "no locks held" : r.locks.map { "\($0.name) held by \($0.owner), token \($0.token)" }.joined(separator: "\n")
            )
        }
        let name = try args.required("name")
        switch action {
        case "acquire":
            let request = LockAcquireRequest(
                owner: agentID, pid: nil, ttl: try args.number("ttl").map(DurationValue.init(seconds:)),
                wait: try args.number("wait").map(DurationValue.init(seconds:)))
            let (value, r) = try run { c throws(ClientError) in try c.acquireLock(name, request) }
            return (value, "acquired \(r.name), fencing token \(r.token)")
        case "extend":
            let request = LockExtendRequest(owner: agentID, ttl: try args.number("ttl").map(DurationValue.init(seconds:)))
            let (value, r) = try run { c throws(ClientError) in try c.extendLock(name, request) }
            return (value, "extended \(r.name) (token \(r.token))")
        default:
            let request = LockReleaseRequest(owner: agentID, force: try args.bool("force"))
            let (value, r) = try run { c throws(ClientError) in try c.releaseLock(name, request) }
            return (value, r.released ? "released \(r.name)" : "\(r.name) was not held")
        }
    }

    func session(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        switch try args.action(["begin", "note", "phase", "done", "whoami", "list"]) {
        case "begin":
            let request = BeginRequest(
                purpose: try args.required("purpose"), agent: agentID, identity: try args.string("identity"),
                files: try args.strings("files"), pid: PID(system: getpid()))
            let (value, r) = try run { c throws(ClientError) in try c.begin(request) }
            var text = "session \(r.session.id) for \(r.agentID)" + (r.port.map { ", port \($0)" } ?? "")
            if !r.deadInProject.isEmpty { text += "\n\(r.deadInProject.count) dead agent(s) in this project left work: use the salvage tool" }
            return (value, text)
        case "note":
            let type = try args.string("type").map { raw throws(ToolFailure) -> NoteType in
                guard let t = NoteType(rawValue: raw) else { throw .invalid("type must be note, handoff, finding, blocker or commit") }
                return t
            }
            let request = NoteRequest(text: try args.required("text"), type: type)
            let (value, r) = try run { c throws(ClientError) in try c.note(request) }
            return (value, "noted (\(r.type.rawValue)) in \(r.sessionID)")
        case "phase":
            guard let phase = SessionPhase(rawValue: try args.required("phase")) else { throw .invalid("unknown phase") }
            let (value, r) = try run { c throws(ClientError) in try c.phase(phase) }
            return (value, "\(r.id): \(r.phase.rawValue)")
        case "done":
            let request = DoneRequest(note: try args.string("text"), abandon: try args.bool("abandon"))
            let (value, r) = try run { c throws(ClientError) in try c.done(request) }
            return (value, "\(r.id) \(r.state)")
        case "whoami":
            let (value, r) = try run { c throws(ClientError) in try c.whoami() }
            return (
                value, "agent \(r.agentID)" + (r.session.map { ", session \($0.id) [\($0.phase.rawValue)] \($0.purpose)" } ?? ", no active session")
            )
        default:
            let (value, r) = try run { c throws(ClientError) in try c.sessions(all: false) }
            return (value, r.sessions.map { "\($0.id) \($0.agentID) [\($0.phase.rawValue)] \($0.purpose)" }.joined(separator: "\n"))
        }
    }

    func files(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        switch try args.action(["claim", "release", "who_owns", "list"]) {
        case "claim", "release":
            guard let paths = try args.strings("paths"), !paths.isEmpty else { throw .invalid("paths is required") }
            let request = FileClaimRequest(paths: paths, force: try args.bool("force"))
            if try args.action(["claim", "release", "who_owns", "list"]) == "release" {
                let (value, _) = try run { c throws(ClientError) in try c.releaseFiles(request) }
                return (value, "released \(paths.count) path(s)")
            }
            let (value, r) = try run { c throws(ClientError) in try c.claimFiles(request) }
            return (value, "claimed " + r.claims.map(\.path).joined(separator: ", "))
        case "who_owns":
            let path = try args.required("path")
            let (value, r) = try run { c throws(ClientError) in try c.fileOwner(path) }
            return (value, r.claims.first.map { "\($0.path) is claimed by \($0.agentID) (session \($0.sessionID))" } ?? "nobody claims \(path)")
        default:
            let (value, r) = try run { c throws(ClientError) in try c.files() }
            return (value, r.claims.map { "\($0.path) \($0.agentID)" }.joined(separator: "\n"))
        }
    }

    func agent(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        switch try args.action(["register", "heartbeat", "list"]) {
        case "register":
            let request = AgentRegisterRequest(
                id: agentID, identity: try args.string("identity"), purpose: try args.string("purpose"), pid: PID(system: getpid()))
            let (value, r) = try run { c throws(ClientError) in try c.register(request) }
            return (value, "registered \(r.agent.id)" + (r.notice.map { "\n\($0)" } ?? ""))
        case "heartbeat":
            let (value, r) = try run { c throws(ClientError) in try c.heartbeat(agentID) }
            return (value, "\(r.id) \(r.state)")
        default:
            let (value, r) = try run { c throws(ClientError) in try c.agents() }
            return (value, r.agents.map { "\($0.id) \($0.state)\($0.identity.map { " \($0)" } ?? "")" }.joined(separator: "\n"))
        }
    }

    func salvage(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let action = try args.action(["list", "claim", "complete", "dismiss"])
        if action == "list" {
            let project = try args.string("project")
            let (value, r) = try run { c throws(ClientError) in try c.salvage(project: project, all: false) }
            return (
                value,
                r.salvage.isEmpty
                    ? "nothing to salvage"
                    : r.salvage.map { "\($0.agentID): " + $0.sessions.map(\.purpose).joined(separator: "; ") }.joined(separator: "\n")
            )
        }
        let dead = try args.required("agent")
        if action == "claim" {
            let (value, r) = try run { c throws(ClientError) in try c.claimSalvage(dead) }
            return (value, "\(dead)'s work is now in \(r.id): \(r.notes.count) note(s), \(r.files.count) file(s)")
        }
        let (value, _) = try run { c throws(ClientError) in try action == "complete" ? c.completeSalvage(dead) : c.dismissSalvage(dead) }
        return (value, "salvage of \(dead) \(action == "complete" ? "completed" : "dismissed")")
    }

    func inbox(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        switch try args.action(["send", "read", "read_all"]) {
        case "send":
            let to = try args.required("to")
            let request = PublishRequest(message: try args.required("message"), sender: agentID)
            let (value, r) = try run { c throws(ClientError) in try c.sendInbox(to, request) }
            return (value, "sent #\(r.id) to \(to)")
        case "read":
            let unread = try args.bool("unread") ?? false
            let (value, r) = try run { c throws(ClientError) in try c.inbox(unread: unread) }
            return (
                value, r.messages.isEmpty ? "no messages" : r.messages.map { "#\($0.id) \($0.sender ?? "?"): \($0.message)" }.joined(separator: "\n")
            )
        default:
            let (value, r) = try run { c throws(ClientError) in try c.readAllInbox() }
            return (value, "marked \(r.marked) read")
        }
    }

    func integration(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let action = try args.action(["ready", "needs", "list"])
        if action == "list" {
            let (value, r) = try run { c throws(ClientError) in try c.integration() }
            return (value, r.signals.map { "\($0.identity) \($0.kind) \($0.detail)" }.joined(separator: "\n"))
        }
        let request = IntegrationRequest(identity: try args.required("identity"), detail: try args.string("detail"))
        let (value, r) = try run { c throws(ClientError) in try action == "ready" ? c.signalReady(request) : c.signalNeeds(request) }
        return (value, "\(r.identity) \(r.kind)")
    }
}
