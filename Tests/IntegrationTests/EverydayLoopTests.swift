import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The small things a new user trips over first, through the real binary.
@Suite("everyday loop: status, doctor, cleanup, mistyped commands, first notes")
struct EverydayLoopTests {
    /// A PID that is certainly dead: a child that has exited and been reaped.
    static func deadPID() throws -> Int {
        let pid = try Subprocess.spawn("/bin/true", [], environment: [:])
        _ = Subprocess.wait(pid)
        return Int(pid)
    }

    @Test("pd status shows the proxy, DNS and stacks, and its uptime")
    func status() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto", "PORT_DADDY_DNS_PORT": "auto", "PORT_DADDY_DNS_DOMAIN": "pd.test"])
        let info = try daemon.start()
        let json = try JSONDecoder().decode(StatusResponse.self, from: Data(try daemon.pd(["status", "--json"]).stdout.utf8))
        #expect(json.proxyPort == info.proxyPort && json.proxyPort != nil)
        #expect(json.dnsPort == info.dnsPort && json.dnsDomain == "pd.test")
        #expect(json.stacks == [])
        let text = try daemon.pd(["status"]).stdout
        #expect(text.contains("proxy     http://<name>.localhost:\(info.proxyPort!)/"), "\(text)")
        #expect(text.contains("dns       port \(info.dnsPort!), domain pd.test"), "\(text)")
        #expect(text.contains("stacks    none running"), "\(text)")
        #expect(text.range(of: #"running, pid \d+, up \d+s\n"#, options: .regularExpression) != nil, "\(text)")
    }

    @Test("dead claims within their grace period: pd cleanup says when they go, pd doctor passes and names a few, not thousands")
    func deadClaims() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let dead = try Self.deadPID()
        for i in 0..<12 { #expect(try daemon.pd(["claim", "gone:s\(i)", "--pid", String(dead), "-q"]).status == 0) }
        let cleanup = try daemon.pd(["cleanup"])
        #expect(cleanup.status == 0)
        #expect(cleanup.output.contains("12 dead claim(s)") && cleanup.output.contains("120s"), "\(cleanup.output)")
        let doctor = try daemon.pd(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("12 dead") && doctor.stdout.contains("and 7 more"), "\(doctor.stdout)")
        #expect(doctor.stdout.split(separator: "\n").allSatisfy { $0.count < 400 })
    }

    @Test("a mistyped command says unknown command and names the closest one")
    func unknownCommand() throws {
        let daemon = try TestDaemon()
        let typo = try daemon.pd(["claimm", "x"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("unknown command 'claimm'; did you mean 'claim'?"), "\(typo.stderr)")
        let other = try daemon.pd(["teleport"])
        #expect(other.status == 2 && other.stderr.contains("unknown command 'teleport'"), "\(other.stderr)")
        #expect(try daemon.pd(["list-ports"]).status != 2)
        // `pd bench N` takes the iteration count as the seed shows it; nonsense is a usage error, not a run.
        let bench = try daemon.pd(["bench", "0"])
        #expect(bench.status == 2 && bench.stderr.contains("at least 1"), "\(bench.stderr)")
    }

    @Test("pd note without a session starts a quick-notes session, so the first note is kept")
    func firstNote() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let env = ["PD_AGENT_ID": "agent-notes"]
        let note = try daemon.pd(["note", "first finding"], environment: env)
        #expect(note.status == 0, "\(note.stderr)")
        #expect(note.stderr.contains("quick notes"), "\(note.stderr)")
        let notes = try daemon.pd(["notes"], environment: env)
        #expect(notes.stdout.contains("first finding"), "\(notes.stdout)")
        let second = try daemon.pd(["note", "second"], environment: env)
        #expect(second.status == 0 && !second.stderr.contains("quick notes"))
    }

    @Test(
        "pd itself loads no FoundationNetworking or libcurl (the MCP server, which needs them, is pd-mcp beside it)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd")))
    func noNetworkingLibraries() throws {
        let daemon = try TestDaemon()
        let server = (daemon.binary as NSString).deletingLastPathComponent + "/pd-daemon"
        for program in [daemon.binary, server] {
            let ldd = try CommandResult.run("/usr/bin/ldd", [program], environment: [:])
            #expect(ldd.status == 0)
            #expect(!ldd.stdout.contains("FoundationNetworking") && !ldd.stdout.contains("libcurl"), "\(program): \(ldd.stdout)")
        }
        // pd itself holds no server, no store and no SQLite: the daemon is pd-daemon, which pd daemon runs in its place.
        let client = try CommandResult.run("/usr/bin/ldd", [daemon.binary], environment: [:])
        #expect(!client.stdout.contains("libsqlite3"), "\(client.stdout)")
        let sibling = (daemon.binary as NSString).deletingLastPathComponent + "/pd-mcp"
        #expect(FileManager.default.isExecutableFile(atPath: sibling), "pd-mcp is built next to pd")
    }

    @Test("pd-mcp with no daemon running autostarts exactly one daemon (pd-daemon), and refuses arguments instead of serving")
    func mcpAutostartsOneDaemon() throws {
        let daemon = try TestDaemon()
        let mcp = (daemon.binary as NSString).deletingLastPathComponent + "/pd-mcp"
        // A stray argument (the old autostart ran `pd-mcp daemon`, which served MCP and autostarted again, without end).
        let stray = try CommandResult.run(mcp, ["daemon"], environment: daemon.environment)
        #expect(stray.status == 2 && stray.stderr.contains("unexpected arguments"), "\(stray.stderr)")
        #expect(!daemon.lockHeld)
        // An MCP session with no daemon: initialize, then one tool call, which starts the daemon.
        let requests =
            [
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"#
                    + #""clientInfo":{"name":"t","version":"1"}}}"#,
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"claim","arguments":{"identity":"mcp:auto"}}}"#,
            ].joined(separator: "\n") + "\n"
        let session = try RunningCommand(mcp, [], environment: daemon.environment, stdin: requests)
        #expect(eventually { daemon.lockHeld })
        #expect(eventually { session.outputSoFar.contains("mcp:auto") })
        kill(session.pid, SIGTERM)
        _ = session.wait()
        let info = try #require(daemon.runtimeInfo)
        #expect(ProcStatus.commandLine(pid_t(info.pid)).contains("pd-daemon"))
        // Exactly one daemon process for this home.
        let daemons = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }.filter {
            let line = ProcStatus.commandLine($0)
            return line.contains(" daemon") && (try? String(contentsOfFile: "/proc/\($0)/environ", encoding: .utf8))?.contains(daemon.home) == true
        }
        #expect(daemons.count == 1, "\(daemons)")
    }
}
