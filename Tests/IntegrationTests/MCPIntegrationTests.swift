import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("MCP server driven by the official MCP Python SDK")
struct MCPIntegrationTests {
    /// The package root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The test venv's python (made by scripts/install-test-deps.sh, which the README's test command runs first).
    static func python() throws -> String {
        try TestDependencies.python()
    }

    struct Report: Decodable {
        var protocol_: String
        var server: String
        var tools: [String]
        var every_tool_has_schema: Bool
        var tools_list_bytes: Int
        var claim_port: Int
        var find_after_claim: Int
        var lock_token: Int
        var cli_lock_while_held: Int
        var bad_call: BadCall
        var bad_action_code: String
        var unknown_argument_code: String
        var after_errors_ok: Bool
        var session_id: String?
        var agents: [String]
        var tool_errors: [String: Bool]
        var resources: [String]
        var resource_services_has_claim: Bool
        var cancelled_wait_left_queue: Bool
        var mcp_waiter_queued: Bool
        var run: RunReport
        var killed: [String?]
        var sortie_id: String?
        var no_budget_code: String?

        struct RunReport: Decodable {
            var id: String?
            var state: String?
            var cost: Int64?
            var name: String?
            var result: String?
        }

        struct BadCall: Decodable {
            var isError: Bool
            var code: String
        }

        enum CodingKeys: String, CodingKey {
            case protocol_ = "protocol"
            case server, tools, every_tool_has_schema, tools_list_bytes, claim_port, find_after_claim, lock_token, cli_lock_while_held
            case bad_call, bad_action_code, unknown_argument_code, after_errors_ok, session_id, agents, tool_errors, resources,
                resource_services_has_claim
            case cancelled_wait_left_queue, mcp_waiter_queued, run, killed, sortie_id, no_budget_code
        }
    }

    @Test("an MCP server started before the daemon registers its agent (with its PID) at the first call once a daemon runs")
    func registersLate() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_NO_AUTOSTART": "1"])
        let run = try CommandResult.run(
            try Self.python(), [Self.root + "/Tests/mcp/mcp_late_daemon.py", daemon.binary], environment: daemon.environment)
        #expect(run.status == 0, "\(run.stderr)")
        struct Agent: Decodable {
            var id: String
            var pid: Int?
            var purpose: String?
        }
        let agents = try JSONDecoder().decode([Agent].self, from: Data(run.output.split(separator: "\n").last.map(String.init)?.utf8 ?? "".utf8))
        #expect(agents.count == 1)
        #expect(agents.first?.id.hasPrefix("mcp-") == true && agents.first?.pid != nil)
        #expect(agents.first?.purpose?.hasPrefix("MCP client") == true)
    }

    @Test("initialize, list tools, call every tool, survive bad calls, and salvage the session of a client that leaves without done")
    func endToEnd() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.2"])
        try daemon.start()
        let run = try CommandResult.run(try Self.python(), [Self.root + "/Tests/mcp/mcp_e2e.py", daemon.binary], environment: daemon.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(run.output.split(separator: "\n").last.map { Data($0.utf8) } ?? Data()))
        #expect(report.protocol_ >= "2025-06-18")
        #expect(report.server == "port-daddy")
        #expect(report.tools.count == 23)
        // A lock wait the client cancelled left the daemon's queue (the call's connection was interrupted).
        #expect(report.mcp_waiter_queued)
        #expect(report.cancelled_wait_left_queue)
        #expect(report.every_tool_has_schema)
        #expect(report.claim_port == report.find_after_claim)  // a port claimed through MCP is in pd find
        #expect(report.lock_token == 1)
        #expect(report.cli_lock_while_held == 4)  // a lock taken through MCP blocks pd lock
        #expect(report.bad_call.isError && report.bad_call.code == ErrorCode.invalidIdentity.rawValue)
        #expect(report.bad_action_code == "INVALID_ARGUMENT")
        #expect(report.unknown_argument_code == "INVALID_ARGUMENT")
        #expect(report.after_errors_ok)
        #expect(report.tool_errors.isEmpty, "\(report.tool_errors)")
        #expect(report.resources == ["portdaddy://agents", "portdaddy://locks", "portdaddy://services", "portdaddy://sessions"])
        #expect(report.resource_services_has_claim)
        // The runs tool: a custom agent launched over MCP ran, reported its cost and succeeded; a waiting one was
        // killed; a sortie was launched; a launch without a budget is refused.
        #expect(report.run.state == "succeeded" && report.run.cost == 250_000 && report.run.name == "MCP Run", "\(report.run)")
        #expect(report.killed == ["killed", "user"])
        #expect(report.no_budget_code == "INVALID_ARGUMENT")
        let sortieID = try #require(report.sortie_id)
        #expect(try eventually { try daemon.pd(["sortie", "status", sortieID]).stdout.contains("succeeded") })
        let runs = try JSONDecoder().decode(RunsResponse.self, from: Data(try daemon.pd(["spawned", "--json"]).stdout.utf8)).runs
        #expect(runs.contains { $0.id == report.run.id && $0.cost.micros == 250_000 })
        let agent = try #require(report.agents.first { $0.hasPrefix("mcp-") })
        // The client went away without `done`: its session is in salvage, with its notes and files.
        #expect(
            try eventually {
                let list = try JSONDecoder().decode(SalvageResponse.self, from: Data(try daemon.pd(["salvage", "--json"]).stdout.utf8))
                return list.salvage.first { $0.agentID == agent }?.sessions.first?.notes.first?.text == "found it"
            })
    }

    @Test("pd mcp install writes or prints each client's configuration, keeping other servers")
    func install() throws {
        let daemon = try TestDaemon()
        let dir = daemon.home + "/project"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try #"{"mcpServers": {"other": {"command": "x"}}}"#.write(toFile: dir + "/.mcp.json", atomically: true, encoding: .utf8)
        let env = ["HOME": daemon.home]
        let dry = try CommandResult.run(
            "/usr/bin/env", ["-C", dir, daemon.binary, "mcp", "install", "--dry-run"], environment: daemon.environment.merging(env) { $1 })
        #expect(dry.stdout.contains("would write"))
        #expect(!(try String(contentsOfFile: dir + "/.mcp.json", encoding: .utf8)).contains("port-daddy"))
        for client in ["claude", "cursor", "codex"] {
            let result = try CommandResult.run(
                "/usr/bin/env", ["-C", dir, daemon.binary, "mcp", "install", "--client", client], environment: daemon.environment.merging(env) { $1 })
            #expect(result.status == 0, "\(result.stderr)")
        }
        let claude = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/.mcp.json"))) as? [String: Any]
        let servers = claude?["mcpServers"] as? [String: Any]
        #expect(servers?["other"] != nil)
        #expect((servers?["port-daddy"] as? [String: Any])?["args"] as? [String] == ["mcp"])
        #expect(FileManager.default.fileExists(atPath: dir + "/.cursor/mcp.json"))
        #expect(try String(contentsOfFile: daemon.home + "/.codex/config.toml", encoding: .utf8).contains("[mcp_servers.port-daddy]"))
        #expect(try daemon.pd(["mcp", "install", "--client", "vim"]).status == 2)
    }
}
