import Foundation
import MCP
import PortDaddyAPI
import PortDaddyClient
import Synchronization

/// Carries out tool calls against the daemon, as one agent.
struct ToolHandler: Sendable {
    let environment: PortDaddyEnvironment
    let agentID: String
    /// Set for a tool call the MCP client may cancel: its daemon connections are interrupted on cancel.
    var cancellation: CallCancellation? = nil

    func client() throws(ToolFailure) -> PortDaddyClient {
        let client: PortDaddyClient
        do {
            client = try PortDaddyClient.connecting(to: environment)
        } catch {
            throw .refused(.daemonUnreachable, message: error.description)
        }
        client.agentID = agentID
        if let cancellation, !cancellation.watch(client.connection.interruption) {
            throw .refused(.cancelled, message: "the client cancelled this call")
        }
        return client
    }

    /// Runs a tool; every failure becomes a tool error carrying our code, never a dead server.
    func call(_ name: String, _ raw: [String: Value]?) -> CallTool.Result {
        let args = Arguments(values: raw ?? [:])
        do throws(ToolFailure) {
            let (value, summary) = try dispatch(name, args)
            let structured: Value? = value
            return CallTool.Result(content: [.text(text: summary, annotations: nil, _meta: nil)], structuredContent: structured, isError: false)
        } catch {
            let (code, message) = (error.code.description, error.message)
            let body: Value? = .object(["error": .string(message), "code": .string(code)])
            return CallTool.Result(
                content: [.text(text: "\(code): \(message)", annotations: nil, _meta: nil)], structuredContent: body, isError: true)
        }
    }

    /// Runs a client call, mapping its errors to tool failures.
    func run<T: Codable>(_ body: (PortDaddyClient) throws(ClientError) -> T) throws(ToolFailure) -> (Value, T) {
        let c = try client()
        let answer: T
        do { answer = try body(c) } catch {
            switch error {
            case .daemon(_, let errorBody): throw .refused(ToolErrorCode(daemonCode: errorBody.code), message: errorBody.error)
            default: throw .refused(.daemonUnreachable, message: error.description)
            }
        }
        do { return (try Value(answer), answer) } catch { throw .refused(.daemon(.internal), message: "cannot encode the answer: \(error)") }
    }

    func dispatch(_ name: String, _ args: Arguments) throws(ToolFailure) -> (Value, String) {
        // The schemas say additionalProperties: false; hold callers to it rather than ignore a typo.
        if let tool = ToolCatalog.tools.first(where: { $0.name == name }),
            let known = tool.inputSchema.objectValue?["properties"]?.objectValue?.keys
        {
            let unknown = args.values.keys.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty { throw .invalid("unknown argument(s) \(unknown.joined(separator: ", ")) for \(name)") }
        }
        switch name {
        case "claim":
            let expires = try args.string("expires").map { text throws(ToolFailure) -> DurationValue in
                guard let s = DurationParser.seconds(text) else { throw .invalid("expires \"\(text)\" is not a duration") }
                return DurationValue(seconds: s)
            }
            let request: ClaimRequest
            do {
                request = ClaimRequest(
                    id: try Identity(parsing: try args.required("identity")), port: try args.int("port").map(PortNumber.init(validating:)),
                    fallback: try args.bool("fallback"), pid: PID(system: getpid()), expires: expires)
            } catch let error as IdentityError {
                throw .refused(.daemon(.invalidIdentity), message: error.description)
            } catch let error as InvalidValue {
                throw .value(error)
            } catch let error as ToolFailure {
                throw error
            } catch {
                throw .invalid("\(error)")
            }
            let (value, r) = try run { c throws(ClientError) in try c.claim(request) }
            return (value, "\(r.id) → port \(r.port) (\(r.message))")
        case "release":
            let target = try args.required("target")
            let (value, r) = try run { c throws(ClientError) in try c.release(target) }
            return (
                value,
                r.released.isEmpty
                    ? "nothing held matches \(target)" : "released " + r.released.map { "\($0.id) (\($0.port))" }.joined(separator: ", ")
            )
        case "services":
            let pattern = try args.string("pattern")
            let (value, r) = try run { c throws(ClientError) in try c.services(pattern: pattern) }
            return (value, r.services.isEmpty ? "no claims" : r.services.map { "\($0.port) \($0.id) \($0.state.rawValue)" }.joined(separator: "\n"))
        case "wait":
            guard let ids = try args.strings("identities"), !ids.isEmpty else { throw .invalid("identities is required") }
            let timeout = try args.number("timeout") ?? 60
            let (value, r) = try run { c throws(ClientError) in try c.wait(for: ids, timeout: timeout) }
            return (value, r.ready ? "ready: \(ids.joined(separator: ", "))" : "still waiting for \(r.pending.joined(separator: ", "))")
        case "publish":
            let channel = try args.required("channel")
            let request = PublishRequest(message: try args.required("message"), sender: agentID, signal: try args.string("signal"))
            let (value, r) = try run { c throws(ClientError) in try c.publish(channel, request) }
            return (value, "published #\(r.id) on \(r.channel)")
        case "read_channel":
            let channel = try args.required("channel")
            let after = Int64(try args.int("after") ?? 0)
            let limit = try args.int("limit") ?? 50
            let (value, r) = try run { c throws(ClientError) in try c.history(channel, after: after, limit: limit) }
            let lines = r.messages.map { "#\($0.id) \($0.channel)\($0.signal.map { " [\($0)]" } ?? "") \($0.sender ?? "?"): \($0.message)" }
            return (value, (lines.isEmpty ? "no messages" : lines.joined(separator: "\n")) + "\nnext cursor: \(r.cursor)")
        case "lock": return try lock(args)
        case "session": return try session(args)
        case "files": return try files(args)
        case "agent": return try agent(args)
        case "salvage": return try salvage(args)
        case "inbox": return try inbox(args)
        case "integration": return try integration(args)
        case "stack": return try stack(args)
        case "tuple": return try tuple(args)
        case "pheromone": return try pheromone(args)
        case "runs": return try runs(args)
        case "say": return try say(args)
        case "look": return try look(args)
        case "memory": return try memory(args)
        case "wallet": return try wallet(args)
        case "fleet": return try fleet(args)
        case "activity":
            let since = try args.number("since_minutes").map { Int64((Date().timeIntervalSince1970 - $0 * 60) * 1000) }
            let type = try args.string("type")
            let limit = try args.int("limit") ?? 50
            let (value, r) = try run { c throws(ClientError) in try c.activity(since: since, type: type, limit: limit) }
            return (value, r.activity.map { "\($0.type) \($0.subject)\($0.actor.map { " by \($0)" } ?? "")" }.joined(separator: "\n"))
        default:
            throw .invalid("unknown tool \(name)")
        }
    }
}

/// The cancellation of one tool call: interrupts the daemon connections it opened (a waiting lock request then
/// leaves the daemon's queue, because the daemon sees its client go away).
final class CallCancellation: Sendable {
    private let state = Mutex<(cancelled: Bool, connections: [HTTPConnection.Interruption])>((false, []))

    /// Interrupts every watched connection, now and later.
    func cancel() {
        let list = state.withLock { st -> [HTTPConnection.Interruption] in
            st.cancelled = true
            return st.connections
        }
        for connection in list { connection.interrupt() }
    }

    /// Watches a connection; false when the call is already cancelled.
    func watch(_ connection: HTTPConnection.Interruption) -> Bool {
        state.withLock { st in
            guard !st.cancelled else { return false }
            st.connections.append(connection)
            return true
        }
    }
}
