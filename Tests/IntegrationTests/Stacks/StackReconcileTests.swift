import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// A server that logs every request line on stdout (as real dev servers do) and answers `path` with `status`,
/// everything else with 404.
private let loggingServer = """
    import http.server, os, sys
    ok_path, ok_status = sys.argv[1], int(sys.argv[2])
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(ok_status if self.path == ok_path else 404)
            self.end_headers()
            self.wfile.write(b"x")
        def log_message(self, fmt, *args):
            print("request " + self.requestline, flush=True)
    http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
    """

@Suite("stacks follow their config, check quietly, and say what a health check saw")
struct StackReconcileTests {
    static func info(_ result: CommandResult) throws -> StackInfo {
        try JSONDecoder().decode(StackInfo.self, from: Data(result.stdout.utf8))
    }

    @Test("a service removed from .portdaddyrc is stopped by the next pd up, its port released, and pd down names only what it stopped")
    func removedServiceIsStopped() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        var fixture = try StackFixture(
            daemon: daemon, config: ["project": "shop", "services": ["web": StackFixture.python(), "extra": StackFixture.python()]])
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up", "-d", "--json"])
        #expect(up.status == 0, "\(up.stderr)")
        let extra = try #require(try Self.info(up).services.first { $0.name == "extra" })
        let extraPID = pid_t(try #require(extra.pid))
        fixture.project = try Self.info(up).key
        try fixture.write(config: ["project": fixture.project, "services": ["web": StackFixture.python()]])
        let again = try fixture.pd(["up", "-d", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.info(again).services.map(\.name) == ["web"])
        #expect(try Self.info(again).state == "ready")
        #expect(eventually(timeout: 15) { kill(extraPID, 0) != 0 }, "the removed service still runs")
        #expect(!(try daemon.pd(["list"]).stdout.contains(fixture.project + ":extra")))
        let logs = try fixture.pd(["logs"])
        #expect(logs.stdout.contains("extra: no longer in .portdaddyrc; stopping it"), "\(logs.stdout)")
        let down = try fixture.pd(["down"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.output == "stopped \(fixture.project): web")
        #expect(fixture.processes.isEmpty)
    }

    @Test("pd url and pd open take a service name inside the stack's folder, as pd logs and pd restart do")
    func serviceNamesResolve() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let fixture = try StackFixture(daemon: daemon, config: ["project": "shop", "services": ["backend": StackFixture.python()]])
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up", "-d", "--json"])
        #expect(up.status == 0, "\(up.stderr)")
        let backend = try #require(try Self.info(up).services.first)
        let url = try daemon.pd(["url", "backend", "--json"], directory: fixture.root)
        #expect(url.status == 0, "\(url.stderr)")
        #expect(url.stdout.contains("\"port\":\(backend.port!)") || url.stdout.contains("\"port\" : \(backend.port!)"), "\(url.stdout)")
        #expect(url.stdout.contains(backend.identity), "\(url.stdout)")
        // Outside the folder the name is an identity as written, and there is no such claim.
        #expect(try daemon.pd(["url", "backend"], directory: daemon.home).status == 5)
    }

    @Test("removing a failed service leaves a ready stack: the state comes from the services that are there")
    func removedFailedService() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let bad: [String: Any] = ["cmd": "python3 -c 'import sys; sys.exit(3)'"]
        var fixture = try StackFixture(daemon: daemon, config: ["project": "shop", "services": ["web": StackFixture.python(), "bad": bad]])
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up", "-d"])
        #expect(up.status == 8, "\(up.stdout) \(up.stderr)")
        fixture.project = try #require(try fixture.stacks().first).key
        try fixture.write(config: ["project": fixture.project, "services": ["web": StackFixture.python()]])
        let again = try fixture.pd(["up", "-d", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let info = try Self.info(again)
        #expect(info.state == "ready")
        #expect(info.failure == nil)
        #expect(info.services.map(\.name) == ["web"])
    }

    @Test("once ready, a service's log gets no health requests unless healthInterval asks for them")
    func quietLiveness() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_LIVENESS_INTERVAL": "0.1"])
        try daemon.start()
        let quiet: [String: Any] = ["cmd": "python3 logsrv.py /health 200", "healthPath": "/health"]
        let chatty: [String: Any] = ["cmd": "python3 logsrv.py /health 200", "healthPath": "/health", "healthInterval": 1]
        let fixture = try StackFixture(daemon: daemon, config: ["project": "shop", "services": ["quiet": quiet, "chatty": chatty]])
        defer { fixture.cleanUp() }
        try loggingServer.write(toFile: fixture.root + "/logsrv.py", atomically: true, encoding: .utf8)
        let up = try fixture.pd(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        func requests(_ service: String) throws -> Int {
            try fixture.pd(["logs", service]).stdout.components(separatedBy: "request GET /health").count - 1
        }
        let quietAtReady = try requests("quiet")
        #expect(quietAtReady >= 1)
        // The opt-in service is probed again within a few of its 1 s intervals…
        let chattyAtReady = try requests("chatty")
        #expect(eventually(timeout: 20) { ((try? requests("chatty")) ?? 0) >= chattyAtReady + 2 })
        // …while the other one, checked 10 times a second without a request, logged nothing more meanwhile.
        #expect(try requests("quiet") == quietAtReady)
        let stack = try #require(try fixture.stacks().first)
        #expect(stack.services.allSatisfy { $0.state == "ready" })
    }

    @Test("a healthPath the server answers with 404 fails with what it answered")
    func healthPathAnswer() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let service: [String: Any] = ["cmd": "python3 logsrv.py / 200", "healthPath": "/health", "readyTimeout": 2]
        let fixture = try StackFixture(daemon: daemon, config: ["project": "shop", "services": ["api": service]])
        defer { fixture.cleanUp() }
        try loggingServer.write(toFile: fixture.root + "/logsrv.py", atomically: true, encoding: .utf8)
        let up = try fixture.pd(["up", "-d"])
        #expect(up.status == 8)
        #expect(up.stderr.contains("answered 404"), "\(up.stderr)")
    }

    @Test("without a healthPath any listening server is ready, whatever it answers at /")
    func anyAnswerWithoutHealthPath() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let service: [String: Any] = ["cmd": "python3 logsrv.py /only-this 200", "readyTimeout": 10]
        let fixture = try StackFixture(daemon: daemon, config: ["project": "shop", "services": ["api": service]])
        defer { fixture.cleanUp() }
        try loggingServer.write(toFile: fixture.root + "/logsrv.py", atomically: true, encoding: .utf8)
        let up = try fixture.pd(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
    }
}
