import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

@Suite("stacks: pd up, down, ps, logs, restart, env with real processes")
struct StackIntegrationTests {
    static var threeServices: [String: Any] {
        [
            "project": "shop",
            "services": [
                "db": StackFixture.python(),
                "api": StackFixture.python(["db"]),
                "web": StackFixture.python(["api", "db"]),
            ],
        ]
    }

    @Test("a three-service stack comes up in dependency order and each service sees its siblings' ports")
    func upInOrder() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let fixture = try StackFixture(daemon: daemon, config: Self.threeServices)
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up", "-d", "--json"])
        #expect(up.status == 0, "\(up.stderr)")
        let info = try JSONDecoder().decode(StackInfo.self, from: Data(up.stdout.utf8))
        #expect(info.key == fixture.project)
        #expect(info.state == "ready")
        #expect(info.services.map(\.name) == ["db", "api", "web"])
        #expect(info.services.allSatisfy { $0.state == "ready" && $0.pid != nil && $0.port != nil })
        let ports = Dictionary(uniqueKeysWithValues: info.services.map { ($0.name, $0.port!) })
        #expect(Set(ports.values).count == 3)
        // Each dependency was already accepting connections when its dependent started.
        let api = try #require(fixture.seen("api"))
        let web = try #require(fixture.seen("web"))
        #expect((api["depsUp"] as? [String: Bool]) == ["db": true])
        #expect((web["depsUp"] as? [String: Bool]) == ["api": true, "db": true])
        // Every service got its own PORT and all siblings' ports and URLs.
        for name in ["db", "api", "web"] {
            let seen = try #require(fixture.seen(name))
            #expect(seen["port"] as? String == String(ports[name]!))
            let env = seen["env"] as? [String: String] ?? [:]
            for (other, port) in ports {
                #expect(env["\(other.uppercased())_PORT"] == String(port))
                #expect(env["\(other.uppercased())_URL"] == "http://localhost:\(port)")
            }
        }
        // The ports are claims of project:service identities.
        let list = try daemon.pd(["list", "--json"])
        for (name, port) in ports { #expect(list.stdout.contains("\(fixture.project):\(name)") && list.stdout.contains(String(port))) }
        // pd ps, pd logs (ring buffer: stdout and stderr lines), pd env --stack agree.
        let ps = try fixture.pd(["ps"])
        #expect(ps.status == 0 && ps.stdout.contains("ready") && ps.stdout.contains(String(ports["web"]!)), "\(ps.stdout)")
        let logs = try fixture.pd(["logs", "api"])
        #expect(logs.stdout.contains("api | api listening on \(ports["api"]!)"), "\(logs.stdout)")
        #expect(logs.stdout.contains("api ! api warning on stderr"), "\(logs.stdout)")
        let env = try fixture.pd(["env", "--stack", "--service", "web"])
        #expect(env.stdout.contains("export DB_PORT=\(ports["db"]!)"))
        #expect(env.stdout.contains("export PORT=\(ports["web"]!)"))
        let dotenv = try fixture.pd(["env", "--stack", "--format", "dotenv"])
        #expect(dotenv.stdout.contains("API_URL=http://localhost:\(ports["api"]!)"))
        let compose = try fixture.pd(["env", "--stack", "--format", "compose"])
        #expect(compose.stdout.contains("services:") && compose.stdout.contains("\"127.0.0.1:\(ports["db"]!):\(ports["db"]!)\""))
        // Inside a container localhost is the container: siblings are reached by their compose service name.
        #expect(
            compose.stdout.contains("API_URL: \"http://api:\(ports["api"]!)\"") && !compose.stdout.contains("http://localhost"), "\(compose.stdout)")
        // Up again is idempotent: same processes.
        let again = try JSONDecoder().decode(StackInfo.self, from: Data(try fixture.pd(["up", "-d", "--json"]).stdout.utf8))
        #expect(again.services.map(\.pid) == info.services.map(\.pid))
        #expect(logs.stdout.contains("started pid \(info.services[1].pid!) directly: python3 svc.py db"), "no shell for a plain command")
        // pd down stops in reverse dependency order (the activity log records each stop, in order).
        let down = try fixture.pd(["down"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(fixture.processes.isEmpty)
        var stops: [String] = []
        #expect(
            eventually(timeout: 10) {
                let records = (try? daemon.client().activity(since: nil, type: "service.stop", limit: 50).activity) ?? []
                stops = records.map(\.subject)
                return stops.count == 3
            })
        #expect(stops == ["web", "api", "db"].map { "\(fixture.project):\($0)" }, "\(stops)")
        #expect(!(try daemon.pd(["list"]).stdout.contains(fixture.project + ":")))
    }

    @Test("a service whose dependency never becomes healthy is not started, and pd up names the dependency")
    func unhealthyDependencyBlocks() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let config: [String: Any] = [
            "project": "shop",
            "services": [
                "db": StackFixture.python(extra: ["healthPath": "/never", "readyTimeout": 2]),
                "api": StackFixture.python(["db"]),
            ],
        ]
        let fixture = try StackFixture(daemon: daemon, config: config)
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up", "-d"])
        #expect(up.status == 8, "\(up.stdout) \(up.stderr)")
        #expect(up.stderr.contains("db"), "\(up.stderr)")
        let stack = try #require(try fixture.stacks().first)
        let api = try #require(stack.services.first { $0.name == "api" })
        let db = try #require(stack.services.first { $0.name == "db" })
        #expect(db.state == "unhealthy")
        #expect(api.state == "blocked" && api.pid == nil)
        #expect(api.detail?.contains("db") == true)
        #expect(fixture.seen("api") == nil)
        #expect(fixture.seen("db") != nil)
        _ = try fixture.pd(["down"])
        #expect(eventually(timeout: 10) { fixture.processes.isEmpty })
    }

    @Test("pd up in the foreground stops the stack and exits 8 when a service never becomes ready")
    func foregroundGivesUp() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let fixture = try StackFixture(
            daemon: daemon,
            config: ["project": "slow", "services": ["web": StackFixture.python(extra: ["healthPath": "/never", "readyTimeout": 1])]])
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up"])
        #expect(up.status == 8, "\(up.stdout) \(up.stderr)")
        #expect(up.stderr.contains("web unhealthy: not ready after 1s"), "\(up.stderr)")
        #expect(fixture.processes.isEmpty)
        #expect(try fixture.stacks().isEmpty)
    }

    @Test("a stack being stopped refuses up and restart (STACK_BUSY, exit 4); a second pd down waits for the first")
    func busyWhileStopping() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_STOP_GRACE": "3"])
        try daemon.start()
        // Ignores SIGTERM, so stopping it takes the whole grace period (then SIGKILL).
        let stubborn: [String: Any] = [
            "cmd": "python3 -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(\"up\", flush=True); time.sleep(600)'",
            "noPort": true,
        ]
        let fixture = try StackFixture(
            daemon: daemon, config: ["project": "busy", "services": ["web": StackFixture.python(), "stubborn": stubborn]])
        defer { fixture.cleanUp() }
        #expect(try fixture.pd(["up", "-d"]).status == 0)
        let first = try daemon.spawnPD(["down", "-C", fixture.root], environment: ["PDTEST_MARKER": fixture.marker])
        #expect(eventually(timeout: 10) { (try? fixture.stacks().first?.state) == "stopping" })
        let up = try fixture.pd(["up", "-d"])
        #expect(up.status == 4 && up.stderr.contains("being stopped"), "\(up.stderr)")
        let restart = try fixture.pd(["restart", "web"])
        #expect(restart.status == 4, "\(restart.stderr)")
        let second = try fixture.pd(["down"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(first.wait().status == 0)
        #expect(fixture.processes.isEmpty, "\(fixture.processes)")
        #expect(try fixture.stacks().isEmpty)
        // Nothing was left running behind the daemon's back: a new up starts cleanly.
        #expect(try fixture.pd(["up", "-d"]).status == 0)
    }

    @Test("pd down stops every process of the stack, grandchildren that left the process group included")
    func downLeavesNothing() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let config: [String: Any] = [
            "project": "tree",
            "services": [
                "db": StackFixture.python(),
                // A shell with a background grandchild in the group, one in its own session, then the server.
                "web": [
                    "cmd": "sh -c 'sleep 3000 & setsid sleep 3001 & exec python3 svc.py db'", "needs": ["db"],
                    "healthPath": "/health",
                ] as [String: Any],
            ],
        ]
        let fixture = try StackFixture(daemon: daemon, config: config)
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        // db's python, web's python, and the two sleeps.
        #expect(eventually(timeout: 10) { fixture.processes.count >= 4 }, "\(fixture.processes)")
        let down = try fixture.pd(["down"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(fixture.processes.isEmpty, "left alive: \(fixture.processes)")
        #expect(try fixture.stacks().isEmpty)
    }

    @Test("two worktrees of one repository run the same stack side by side on different ports")
    func worktreesSideBySide() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let main = try StackFixture(daemon: daemon, name: "repo", config: ["project": "shop", "services": ["web": StackFixture.python()]])
        defer { main.cleanUp() }
        func git(_ args: [String], in dir: String) throws {
            let result = try CommandResult.run(
                "/usr/bin/env", ["git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"] + args, environment: daemon.environment)
            guard result.status == 0 else { throw TestFailure("git \(args): \(result.stderr)") }
        }
        try git(["init", "-q", "-b", "main"], in: main.root)
        try git(["add", "."], in: main.root)
        try git(["commit", "-q", "-m", "init"], in: main.root)
        let other = daemon.home + "/repo-feature"
        try git(["worktree", "add", "-q", "-b", "feature/X", other], in: main.root)
        let second = StackFixture(daemon: daemon, root: other)
        let a = try main.pd(["up", "-d", "--json"])
        let b = try daemon.pd(["up", "-d", "--json", "-C", other], environment: ["PDTEST_MARKER": main.marker])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let first = try JSONDecoder().decode(StackInfo.self, from: Data(a.stdout.utf8))
        let feature = try JSONDecoder().decode(StackInfo.self, from: Data(b.stdout.utf8))
        #expect(first.key == "\(main.project):main")
        #expect(feature.key == "\(main.project):feature-x")
        #expect(first.services[0].identity == "\(main.project):web:main")
        #expect(feature.services[0].identity == "\(main.project):web:feature-x")
        #expect(first.services[0].port != feature.services[0].port)
        #expect(first.services[0].state == "ready" && feature.services[0].state == "ready")
        #expect(second.seen("web")?["port"] as? String == String(feature.services[0].port!))
        // The same worktree gets the same port next time.
        _ = try daemon.pd(["down", "-C", other])
        let again = try daemon.pd(["up", "-d", "--json", "-C", other], environment: ["PDTEST_MARKER": main.marker])
        #expect(try JSONDecoder().decode(StackInfo.self, from: Data(again.stdout.utf8)).services[0].port == feature.services[0].port)
        // Another branch checked out in the main worktree: its commands still find the stack running from there.
        try git(["checkout", "-q", "-b", "hotfix"], in: main.root)
        let ps = try main.pd(["ps"])
        #expect(ps.status == 0 && ps.stdout.contains("\(main.project):main"), "\(ps.stdout) \(ps.stderr)")
        let down = try main.pd(["down"])
        #expect(down.status == 0 && down.stderr.contains("using \(main.project):main"), "\(down.stderr)")
        #expect(try main.stacks().map(\.key) == ["\(main.project):feature-x"])
    }

    @Test("a crashing service is restarted per its policy with backoff, then left exited at its limit")
    func restartPolicy() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let config: [String: Any] = [
            "project": "crashy",
            "services": [
                "job": ["cmd": "python3 -c 'import sys; print(\"boom\"); sys.exit(3)'", "noPort": true, "restart": "on-failure", "restartLimit": 2]
                    as [String: Any],
                "ok": ["cmd": "python3 -c 'print(\"done\")'", "noPort": true, "restart": "on-failure"] as [String: Any],
            ],
        ]
        let fixture = try StackFixture(daemon: daemon, config: config)
        defer { fixture.cleanUp() }
        _ = try fixture.pd(["up", "-d"])
        var job: StackServiceInfo?
        #expect(
            eventually(timeout: 30) {
                job = try? fixture.stacks().first?.services.first { $0.name == "job" }
                return job?.state == "exited"
            }, "\(String(describing: job))")
        #expect(job?.restarts == 2)
        #expect(job?.exitCode == 3)
        #expect(job?.detail?.contains("gave up after 2 restarts") == true)
        let ok = try fixture.stacks().first?.services.first { $0.name == "ok" }
        #expect(ok?.state == "exited" && ok?.restarts == 0 && ok?.exitCode == 0, "a clean exit is not a failure")
        let logs = try fixture.pd(["logs", "job"])
        #expect(logs.stdout.components(separatedBy: "job | boom").count - 1 == 3, "\(logs.stdout)")
    }

    @Test("a oneshot task runs to completion before the services that need it start, and is not run again by pd up")
    func oneshotTask() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let migrate: [String: Any] = [
            "cmd":
                "python3 -c 'import os, time; time.sleep(0.3); open(\"runs\", \"a\").write(os.environ[\"DB_PORT\"] + \"\\n\"); "
                + "open(\"migrated\", \"w\").close()'",
            "oneshot": true, "noPort": true, "needs": ["db"],
        ]
        let config: [String: Any] = [
            "project": "tasks",
            "services": [
                "db": StackFixture.python(), "migrate": migrate,
                "api": StackFixture.python(["db"], extra: ["needs": ["db", "migrate"], "env": ["PDTEST_CHECK_FILES": "migrated"]]),
            ],
        ]
        let fixture = try StackFixture(daemon: daemon, config: config)
        defer { fixture.cleanUp() }
        let up = try fixture.pd(["up", "-d", "--json"])
        #expect(up.status == 0, "\(up.stderr)")
        let info = try JSONDecoder().decode(StackInfo.self, from: Data(up.stdout.utf8))
        #expect(info.state == "ready")
        #expect(info.services.first { $0.name == "migrate" }?.state == "completed")
        #expect((fixture.seen("api")?["files"] as? [String: Bool]) == ["migrated": true])
        let runs = { (try? String(contentsOfFile: fixture.root + "/runs", encoding: .utf8))?.split(separator: "\n").count ?? 0 }
        #expect(runs() == 1)
        #expect(try fixture.pd(["up", "-d"]).status == 0)
        #expect(runs() == 1)
        #expect(try fixture.pd(["restart", "migrate"]).status == 0)
        #expect(eventually(timeout: 20) { runs() == 2 })
    }

    @Test("a taken preferred port falls back with a note; --no-health is ready once started; restart always restarts clean exits too")
    func portsNoHealthAndAlways() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let squatter = try Listener()
        defer { squatter.close() }
        let config: [String: Any] = [
            "project": "misc",
            "services": [
                "web": ["cmd": "sleep 600", "port": squatter.port] as [String: Any],
                "tick": ["cmd": "python3 -c 'print(\"tick\")'", "noPort": true, "restart": "always", "restartLimit": 1] as [String: Any],
            ],
        ]
        let fixture = try StackFixture(daemon: daemon, config: config)
        defer { fixture.cleanUp() }
        // web never listens: only --no-health lets it count as ready.
        let up = try fixture.pd(["up", "-d", "--no-health", "--json", "web"])
        #expect(up.status == 0, "\(up.stderr)")
        let web = try JSONDecoder().decode(StackInfo.self, from: Data(up.stdout.utf8)).services.first { $0.name == "web" }
        #expect(web?.state == "ready")
        #expect(web?.port != nil && web?.port != squatter.port)
        let logs = try fixture.pd(["logs"])
        #expect(logs.stdout.contains("web: preferred port \(squatter.port) is taken"), "\(logs.stdout)")
        _ = try fixture.pd(["up", "-d", "tick"])  // 0 or 8, depending on whether it is seen ready before it first exits
        var tick: StackServiceInfo?
        #expect(
            eventually(timeout: 20) {
                tick = try? fixture.stacks().first?.services.first { $0.name == "tick" }
                return tick?.state == "exited"
            }, "\(String(describing: tick))")
        #expect(tick?.restarts == 1 && tick?.exitCode == 0)
        #expect(tick?.detail?.contains("gave up after 1 restarts") == true, "\(String(describing: tick?.detail))")
    }

    @Test("pd restart <service> replaces its process; the others keep running (readiness by a command probe)")
    func restartService() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let probe = ["python3", "-c", "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=1)", "${PORT}"]
        let db = StackFixture.python(extra: ["healthCmd": probe])
        let fixture = try StackFixture(daemon: daemon, config: ["project": "shop", "services": ["db": db, "api": StackFixture.python(["db"])]])
        defer { fixture.cleanUp() }
        let before = try JSONDecoder().decode(StackInfo.self, from: Data(try fixture.pd(["up", "-d", "--json"]).stdout.utf8))
        let follower = try daemon.spawnPD(["logs", "api", "-f", "-n", "1", "-C", fixture.root])
        #expect(eventually(timeout: 10) { follower.outputSoFar.contains("api") })
        let restart = try fixture.pd(["restart", "api"])
        #expect(restart.status == 0, "\(restart.stderr)")
        var after: [StackServiceInfo] = []
        #expect(
            eventually(timeout: 20) {
                after = (try? fixture.stacks().first?.services) ?? []
                let api = after.first { $0.name == "api" }
                return api?.state == "ready" && api?.pid != before.services[1].pid
            }, "\(after)")
        #expect(after.first { $0.name == "api" }?.restarts == 1)
        #expect(after.first { $0.name == "db" }?.pid == before.services[0].pid)
        #expect(after.first { $0.name == "api" }?.port == before.services[1].port)
        let logs = try fixture.pd(["logs", "db"])
        #expect(logs.stdout.contains("ready (python3 -c import socket"), "\(logs.stdout)")
        // The follower saw the restart live (it replays from its cursor, so it misses nothing).
        #expect(eventually(timeout: 10) { follower.outputSoFar.components(separatedBy: "api listening on").count >= 2 }, "\(follower.outputSoFar)")
        kill(follower.pid, SIGTERM)
        _ = follower.wait()
    }

    @Test("a killed daemon's supervised processes are found and stopped by the next daemon, and their ports released")
    func orphansReaped() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let fixture = try StackFixture(daemon: daemon, config: Self.threeServices)
        defer { fixture.cleanUp() }
        #expect(try fixture.pd(["up", "-d"]).status == 0)
        let running = fixture.processes
        #expect(running.count == 3)
        daemon.stop(signal: SIGKILL)
        // The services outlive the daemon (they are in their own process groups).
        #expect(fixture.processes == running)
        try daemon.start()
        #expect(eventually(timeout: 15) { fixture.processes.isEmpty }, "still running: \(fixture.processes)")
        #expect(!(try daemon.pd(["list"]).stdout.contains(fixture.project + ":")))
        let activity = try daemon.pd(["activity", "--json"])
        #expect(activity.stdout.contains("stack.orphan"))
    }

    @Test("pd up in the foreground streams name-prefixed logs until Ctrl-C, which stops the stack")
    func foregroundUp() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let fixture = try StackFixture(
            daemon: daemon, config: ["project": "shop", "services": ["db": StackFixture.python(), "api": StackFixture.python(["db"])]])
        defer { fixture.cleanUp() }
        let up = try daemon.spawnPD(["up", "-C", fixture.root], environment: ["PDTEST_MARKER": fixture.marker])
        #expect(eventually(timeout: 30) { up.outputSoFar.contains("all 2 services ready") }, "\(up.outputSoFar)")
        kill(up.pid, SIGINT)
        let result = up.wait()
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stdout.contains("db  | db listening on"), "\(result.stdout)")
        #expect(result.stdout.contains("api ! api warning on stderr"), "\(result.stdout)")
        #expect(result.stdout.contains("pd  » api ready"), "\(result.stdout)")
        #expect(fixture.processes.isEmpty)
        #expect(try fixture.stacks().isEmpty)
    }

    @Test("stack routes need the Unix socket or the user's token; bad configs list every problem")
    func trustAndValidation() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let fixture = try StackFixture(daemon: daemon, config: ["project": "shop", "services": ["web": ["cmd": "true", "needs": ["apii"]]]])
        defer { fixture.cleanUp() }
        let body = Array(try JSONEncoder().encode(StackUpRequest(root: fixture.root, context: nil, services: [], environment: [:], noHealth: true)))
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: info.tcpPort))
        let refused = try tcp.send(method: "POST", path: "/stacks/up", body: body, headers: [("Content-Type", "application/json")])
        #expect(refused.status == 401)
        // A stack's output may hold secrets: reading it over TCP needs the token too.
        #expect(try tcp.send(method: "GET", path: "/stacks/anything/logs").status == 401)
        #expect(try tcp.send(method: "GET", path: "/stacks").status == 200)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("UNTRUSTED_CALLER"))
        let token = try String(contentsOfFile: daemon.home + "/token", encoding: .utf8)
        let wrong = try tcp.send(
            method: "POST", path: "/stacks/up", body: body,
            headers: [("Content-Type", "application/json"), ("X-PD-Token", (token.first == "0" ? "1" : "0") + token.dropFirst())])
        #expect(wrong.status == 401)
        let allowed = try tcp.send(
            method: "POST", path: "/stacks/up", body: body, headers: [("Content-Type", "application/json"), ("X-PD-Token", token)])
        // Trusted, so the config is read: it is invalid, with the path of the problem.
        #expect(allowed.status == 422, "\(String(decoding: allowed.body, as: UTF8.self))")
        #expect(String(decoding: allowed.body, as: UTF8.self).contains("services.web.needs[0]: unknown service"))
        let cli = try fixture.pd(["up", "-d"])
        #expect(cli.status == 2)
        #expect(
            cli.stderr.contains("services.web.needs[0]: unknown service \\\"apii\\\"") || cli.stderr.contains("unknown service \"apii\""),
            "\(cli.stderr)")
        #expect(try daemon.pd(["status"]).status == 0)
    }
}
