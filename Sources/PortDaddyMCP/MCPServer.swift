import Foundation
import MCP
import PortDaddyAPI
import PortDaddyClient
import Synchronization

/// `pd mcp`: every Port Daddy primitive as MCP tools over stdio, talking to the daemon through our client.
///
/// The MCP connection is an agent: it registers when the client initializes (named from `clientInfo`), with the
/// server's own PID, so it lives exactly as long as this process. When the client goes away having ended its
/// session, the agent unregisters; when it goes away mid-session, the process exits and the daemon's reaper
/// moves the session's work to salvage, as for any dead agent. Only protocol messages go to stdout.
public enum MCPServer {
    public static func run(environment: PortDaddyEnvironment) async throws {
        let agent = Mutex<String>("mcp-\(Self.suffix())")
        // A registration that failed at initialize (no daemon yet, autostart off) is retried before each call.
        let pendingRegistration = Mutex<AgentRegisterRequest?>(nil)
        let server = Server(
            name: "port-daddy", version: PortDaddyVersion.current,
            instructions:
                "Port Daddy gives you stable ports (claim), locks with fencing tokens, channels, a work session with notes and file "
                + "claims, and salvage of dead agents' work. Begin a session with the session tool before editing files.",
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))

        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: ToolCatalog.tools) }
        await server.withMethodHandler(CallTool.self) { params in
            // The call blocks on the daemon (a lock wait can last minutes): run it off the concurrency pool, and
            // when the client cancels it, interrupt its connection so the daemon drops what it waits for.
            let cancellation = CallCancellation()
            let handler = ToolHandler(environment: environment, agentID: agent.withLock { $0 }, cancellation: cancellation)
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<CallTool.Result, Never>) in
                    DispatchQueue.global().async {
                        if let request = pendingRegistration.withLock({ $0 }),
                            (try? handler.run({ c throws(ClientError) in try c.register(request) })) != nil
                        {
                            pendingRegistration.withLock { $0 = nil }
                        }
                        continuation.resume(returning: handler.call(params.name, params.arguments))
                    }
                }
            } onCancel: {
                cancellation.cancel()
            }
            // A cancelled request gets no response (the MCP spec); the SDK drops it on CancellationError.
            try Task.checkCancellation()
            return result
        }
        await server.withMethodHandler(ListResources.self) { _ in ListResources.Result(resources: ResourceCatalog.resources) }
        await server.withMethodHandler(ReadResource.self) { params in
            try ResourceCatalog.read(params.uri, handler: ToolHandler(environment: environment, agentID: agent.withLock { $0 }))
        }

        try await server.start(transport: StdioTransport()) { clientInfo, _ in
            let id = "mcp-" + Self.sanitize(clientInfo.name) + "-" + Self.suffix()
            agent.withLock { $0 = id }
            let handler = ToolHandler(environment: environment, agentID: id)
            let request = AgentRegisterRequest(id: id, purpose: "MCP client \(clientInfo.name) \(clientInfo.version)", pid: PID(system: getpid()))
            if (try? handler.run({ c throws(ClientError) in try c.register(request) })) == nil {
                pendingRegistration.withLock { $0 = request }
            }
        }
        await server.waitUntilCompleted()
        // The client is gone. A clean finish unregisters; an open session is left for the reaper to salvage.
        let id = agent.withLock { $0 }
        let handler = ToolHandler(environment: environment, agentID: id)
        if let (_, who) = try? handler.run({ c throws(ClientError) in try c.whoami() }), who.session == nil {
            _ = try? handler.run { c throws(ClientError) in try c.unregister(id) }
        }
        await server.stop()
    }

    /// Lower-case `[a-z0-9._-]`, other characters as `-`, at most 32 characters.
    static func sanitize(_ name: String) -> String {
        let mapped = name.lowercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "0"..."9", ".", "_", "-": return Character(scalar)
            default: return "-"
            }
        }
        let text = String(mapped.prefix(32)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return text.isEmpty ? "client" : text
    }

    static func suffix() -> String { String(UInt32.random(in: 0...UInt32.max), radix: 36) }
}

/// Read-only state as MCP resources.
enum ResourceCatalog {
    static let resources: [Resource] = [
        Resource(name: "services", uri: "portdaddy://services", description: "Claimed ports and their state", mimeType: "application/json"),
        Resource(name: "locks", uri: "portdaddy://locks", description: "Held locks with fencing tokens", mimeType: "application/json"),
        Resource(name: "agents", uri: "portdaddy://agents", description: "Registered agents and their liveness", mimeType: "application/json"),
        Resource(
            name: "sessions", uri: "portdaddy://sessions", description: "Active sessions with notes and file claims", mimeType: "application/json"),
    ]

    static func read(_ uri: String, handler: ToolHandler) throws -> ReadResource.Result {
        func json<T: Codable>(_ body: (PortDaddyClient) throws(ClientError) -> T) throws -> String {
            let answer: T
            do { (_, answer) = try handler.run(body) } catch {
                throw error.code.mcpError(error.message)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try encoder.encode(answer), as: UTF8.self)
        }
        let text: String
        switch uri {
        case "portdaddy://services": text = try json { c throws(ClientError) in try c.services() }
        case "portdaddy://locks": text = try json { c throws(ClientError) in try c.locks() }
        case "portdaddy://agents": text = try json { c throws(ClientError) in try c.agents() }
        case "portdaddy://sessions": text = try json { c throws(ClientError) in try c.sessions(all: false) }
        default: throw MCPError.invalidParams("unknown resource \(uri)")
        }
        return ReadResource.Result(contents: [.text(text, uri: uri, mimeType: "application/json")])
    }
}
