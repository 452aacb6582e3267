import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// The foreground fleet, its event stream, prompt line, config editing, SIGHUP, a trigger storm and a daemon crash.
@Suite("Fleets: foreground, events, config, storms")
struct FleetForegroundTests {
    typealias Fleets = FleetIntegrationTests

    @Test("pd fleet up in the foreground streams lifecycle lines; Ctrl-C stops the fleet and its agent (exit 130); a killed pd stops it too")
    func foreground() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        try Fleets.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
            """)
        let up = try bench.spawnPD(["fleet", "up"], ownGroup: true)
        #expect(eventually { up.outputSoFar.contains("in the foreground") }, "\(up.outputSoFar)")
        #expect(try bench.daemon.client().fleets().fleets.first?.mode == "attached")
        #expect(try bench.pd(["pub", "jobs:new", "fg"]).status == 0)
        #expect(eventually(timeout: 60) { up.outputSoFar.contains("agent.started") }, "\(up.outputSoFar)")
        #expect(eventually { bench.starts.count == 1 })
        let agent = try #require(bench.starts.first?["pid"] as? Int)
        // Ctrl-C as a terminal sends it: to the whole foreground process group.
        #expect(kill(-up.pid, SIGINT) == 0)
        let ended = up.wait()
        #expect(ended.status == 130, "\(ended.stdout)\n\(ended.stderr)")
        #expect(try bench.daemon.client().fleets().fleets.isEmpty)
        #expect(eventually { kill(pid_t(agent), 0) != 0 })

        // Killed outright (no chance to say goodbye): the daemon sees its stream end and stops the fleet itself.
        let again = try bench.spawnPD(["fleet", "up"], ownGroup: true)
        #expect(eventually { again.outputSoFar.contains("in the foreground") }, "\(again.outputSoFar)")
        #expect(try bench.daemon.client().fleets().fleets.count == 1)
        #expect(kill(again.pid, SIGKILL) == 0)
        _ = again.wait()
        #expect(eventually { (try? bench.daemon.client().fleets().fleets.isEmpty) == true })
        #expect(try Fleets.events(bench).contains { $0["type"] == "fleet.stopped" && $0["reason"] == "detached" })

        // A fleet the daemon runs is not taken over by a foreground up.
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        let refused = try bench.pd(["fleet", "up"])
        #expect(refused.status == 4 && refused.stderr.contains("already runs in the daemon"), "\(refused.stderr)")
    }

    @Test("/fleet/events replays after Last-Event-ID; /fleet/prompt and pd fleet prompt give one line; /status counts the fleet")
    func eventsPromptStatus() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("ok", 1, 1)])])
        try Fleets.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        let client = bench.daemon.client()
        #expect(try client.fleetPrompt(project: "shop") == "⚓ shop 0▶ 0⏸ $0.00/$5.00")
        for job in ["e1", "e2"] {
            #expect(try bench.pd(["pub", "jobs:new", job]).status == 0)
            #expect(eventually(timeout: 60) { Fleets.tasks(bench).contains("Do \(job)") })
        }
        #expect(eventually(timeout: 60) { (try? Fleets.events(bench).filter { $0["type"] == "agent.succeeded" }.count) == 2 })
        // An event of another project in between: the project's stream leaves it out.
        _ = try client.publish("fleet:events", PublishRequest(message: #"{"type":"fleet.started","project":"other"}"#))
        #expect(try bench.pd(["pub", "jobs:new", "e3"]).status == 0)
        #expect(eventually(timeout: 60) { (try? Fleets.events(bench).filter { $0["type"] == "agent.succeeded" }.count) == 3 })
        let stored = try client.history("fleet:events", after: 0, limit: 1000).messages
        let shop = stored.filter { !$0.message.contains(#""project":"other""#) }
        #expect(shop.count >= 8 && shop.count == stored.count - 1)
        let resume = shop[1].id
        var replayed: [Int64] = []
        try client.events(PortDaddyClient.fleetEventsPath(project: "shop"), after: resume) { event in
            if event.event == "message", let id = event.id.flatMap({ Int64($0) }) { replayed.append(id) }
            return replayed.count < shop.count - 2
        }
        #expect(replayed == shop.dropFirst(2).map(\.id))

        let line = try #require(try client.fleetPrompt(project: nil))
        #expect(line == "⚓ shop 0▶ 0⏸ $0.00/$5.00", "\(line)")
        #expect(try bench.pd(["fleet", "prompt"]).output == line)
        let events = try bench.pd(["fleet", "events"]).stdout
        #expect(events.contains("agent.started") && events.contains("agent.succeeded"), "\(events)")
        let figures = try #require(try client.status().fleets)
        #expect(figures.fleets == 1 && figures.invalid == 0 && figures.agentsRunning == 0 && figures.queued == 0)
        #expect(try bench.pd(["status"]).stdout.contains("fleets    1 running"))
        #expect(try bench.pd(["fleet", "down"]).status == 0)
        #expect(try client.fleetPrompt(project: nil).isEmpty)
    }

    @Test("PUT /fleet/config: a stale If-Match is 412 and an invalid file 422, both leave the file alone; a good edit is written and reloaded")
    func configEditing() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_FLEET_POLL": "60"])
        try Fleets.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        let client = bench.daemon.client()
        let path = bench.workdir + "/pd-fleet.yml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let file = try client.fleetConfig("shop")
        #expect(file.yaml == original && file.problems.isEmpty && file.path == path)
        let added = original + "\n    docs:\n      trigger: docs:new\n      prompt: \"Write {message}\"\n"
        let stale = Self.refusal { () throws(ClientError) in
            try client.writeFleetConfig("shop", yaml: added, ifMatch: String(repeating: "0", count: 64))
        }
        #expect(stale?.status == 412 && stale?.body.code == "FILE_CHANGED", "\(String(describing: stale))")
        let broken = original.replacingOccurrences(of: "trigger: jobs:new", with: "schedule: \"*/61 * * * *\"")
        let invalid = Self.refusal { () throws(ClientError) in try client.writeFleetConfig("shop", yaml: broken, ifMatch: file.sha256) }
        #expect(
            invalid?.status == 422 && invalid?.body.code == "INVALID_FLEET_CONFIG"
                && invalid?.body.error.contains("fleet.agents.qa.schedule") == true,
            "\(String(describing: invalid))")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
        let written = try client.writeFleetConfig("shop", yaml: added, ifMatch: file.sha256)
        #expect(written.yaml == added && written.sha256 != file.sha256)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == added)
        #expect(try client.fleets().fleets.first?.agents.map(\.name) == ["qa", "docs"])

        // Reading or writing the file needs the user's token over TCP; a web page's Origin is refused.
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: bench.daemon.tcpPort))
        #expect(try tcp.send(method: "GET", path: "/fleet/config/shop").status == 401)
        let token = try String(contentsOfFile: bench.daemon.portDaddyEnvironment.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try tcp.send(method: "GET", path: "/fleet/config/shop", headers: [("X-PD-Token", token)]).status == 200)
        #expect(
            try tcp.send(method: "GET", path: "/fleet/config/shop", headers: [("X-PD-Token", token), ("Origin", "http://evil.example")]).status == 403
        )
    }

    /// The daemon's refusal of a call, or nil when it was accepted.
    static func refusal(_ call: () throws(ClientError) -> FleetConfigFile) -> (status: Int, body: ErrorBody)? {
        do {
            _ = try call()
            return nil
        } catch {
            guard case .daemon(let status, let body) = error else { return (0, ErrorBody(error: error.description, code: "CLIENT")) }
            return (status, body)
        }
    }

    @Test("every trusted fleet, wallet and bond route refuses a foreign Origin (403) even with the token, and TCP without the token (401)")
    func trustedRoutesRefuseWebPages() throws {
        let bench = try AgentBench()
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: bench.daemon.tcpPort))
        let token = try String(contentsOfFile: bench.daemon.portDaddyEnvironment.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let body = Array(#"{"path":"/tmp","usd":"1","usdPerDay":"1","reason":"r","portion":"0.5","yaml":"x"}"#.utf8)
        let routes: [(String, String)] = [
            ("POST", "/fleet/shop/up"), ("POST", "/fleet/shop/down"), ("POST", "/fleet/shop/enable"), ("POST", "/fleet/shop/disable"),
            ("POST", "/fleet/reload"), ("GET", "/fleet/config/shop"), ("PUT", "/fleet/config/shop"), ("POST", "/fleet/panic"),
            ("POST", "/fleet/unpanic"), ("POST", "/wallets/shop/top-up"), ("POST", "/wallets/shop/budget"),
            ("POST", "/wallets/pending/run-1/raise"), ("POST", "/wallets/pending/run-1/kill"), ("POST", "/wallets/pending/run-1/grace"),
            ("POST", "/bonds/bond-1/slash"),
        ]
        for (method, path) in routes {
            let headers = [("Content-Type", "application/json")]
            let untrusted = try tcp.send(method: method, path: path, body: body, headers: headers)
            #expect(untrusted.status == 401, "\(method) \(path) without the token: \(untrusted.status)")
            let page = try tcp.send(
                method: method, path: path, body: body, headers: headers + [("X-PD-Token", token), ("Origin", "http://evil.example")])
            #expect(page.status == 403, "\(method) \(path) from a foreign Origin: \(page.status)")
        }
        #expect(try bench.daemon.client().panicState().panicked == false)
    }

    @Test("on a terminal pd fleet panic asks for PANIC typed: another answer leaves it armed (exit 4), PANIC fires it")
    func typedPanic() throws {
        let bench = try AgentBench()
        let script = TestDependencies.root + "/Tests/fleet/tty_answer.py"
        func panic(answering answer: String) throws -> CommandResult {
            try CommandResult.run(
                try TestDependencies.python(), [script, "Type PANIC", answer, bench.daemon.binary, "fleet", "panic", "--reason", "drill"],
                environment: bench.daemon.environment)
        }
        let declined = try panic(answering: "no")
        #expect(declined.status == 4 && declined.stdout.contains("not confirmed"), "\(declined.stdout)")
        #expect(try bench.daemon.client().panicState().panicked == false)
        let fired = try panic(answering: "PANIC")
        #expect(fired.status == 0 && fired.stdout.contains("PANICKED"), "\(fired.stdout)")
        #expect(try bench.daemon.client().panicState().panicked == true)
        #expect(try bench.pd(["fleet", "unpanic", "--reason", "drill over"]).status == 0)
    }

    @Test("a run killed for passing its own budget (run-budget) has its bond held for the operator, not refunded")
    func runBudgetHoldsBond() throws {
        let bench = try AgentBench()
        // gpt-5: each turn of 10,000 in / 1,000 out costs 0.0225 USD; the budget 0.03 is passed at the second turn.
        try bench.plan([
            "turns": AgentBench.turns([("a", 10_000, 1000), ("b", 10_000, 1000), ("c", 10_000, 1000)], delayMs: 400), "hang_after_turn": 3,
        ])
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        let result = try bench.pd(["spawn", "--backend", "codex", "--model", "gpt-5", "--budget", "0.03", "--identity", "shop:spender", "--", "x"])
        #expect(result.status == 9, "\(result.stderr)")
        let run = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(run.state == .killed && run.reason == "run-budget")
        let bonds = try bench.daemon.client().bonds(project: "shop", state: nil).bonds
        #expect(bonds.count == 1 && bonds.first?.state == .held && bonds.first?.amount.usd == "0.010000", "\(bonds)")
        let wallet = try bench.daemon.client().wallet("shop")
        #expect(wallet.balance.usd == "0.990000" && wallet.escrowed.usd == "0.010000" && wallet.reserved.micros == 0, "\(wallet)")
    }

    @Test("budget_usd_per_day caps a walletless project: the second agent's launch is refused naming the limit and waits as budget_pending")
    func fleetBudgetCaps() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        try Fleets.fleet(
            bench,
            """
                a:
                  trigger: go:now
                  prompt: "a {message}"
                b:
                  trigger: go:now
                  prompt: "b {message}"
            """, limits: "budget_usd_per_day: 0.3")
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        #expect(try bench.pd(["pub", "go:now", "x"]).status == 0)
        let client = bench.daemon.client()
        func agent(_ name: String) -> FleetAgentInfo? { (try? client.fleets().fleets.first)?.agents.first { $0.name == name } }
        #expect(eventually(timeout: 60) { ["a", "b"].contains { agent($0)?.status == "budget_pending" } })
        let waiting = agent("a")?.status == "budget_pending" ? "a" : "b"
        #expect(agent(waiting)?.refused == "BUDGET_EXCEEDED")
        let refusal = try Fleets.events(bench).first { $0["type"] == "agent.refused" && $0["agent"] == waiting }
        #expect(refusal?["why"]?.contains("the fleet's budget_usd_per_day") == true, "\(String(describing: refusal))")
        #expect(eventually { bench.starts.count == 1 })
        // The running agent ends: its reservation is released, and the waiting wake launches on its next try.
        #expect(eventually { agent(waiting == "a" ? "b" : "a")?.lastRun != nil })
        let running = try #require(agent(waiting == "a" ? "b" : "a")?.lastRun)
        _ = try bench.kill(running)
        #expect(eventually(timeout: 60) { bench.starts.count == 2 }, "\((try? Fleets.events(bench)) ?? [])")
        #expect(try Fleets.events(bench).filter { $0["type"] == "agent.refused" }.count == 1, "a waiting wake's retries are quiet")
        #expect(try bench.pd(["fleet", "down"]).status == 0)
    }

    @Test("catch_up: true gives a schedule missed while the daemon was down one run at boot; an agent without it gets none")
    func catchUp() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("ok", 1, 1)])])
        try Fleets.fleet(
            bench,
            """
                yearly:
                  schedule: "0 0 1 1 *"
                  prompt: "yearly {agent}"
                  catch_up: true
                other:
                  schedule: "0 0 1 1 *"
                  prompt: "other {agent}"
            """)
        #expect(try bench.pd(["fleet", "enable"]).status == 0)
        #expect(bench.daemon.stop() == 0)
        // Enabled long ago: this year's 1 January fire was missed while "the daemon was down".
        let database = bench.daemon.portDaddyEnvironment.databasePath
        let aged = try CommandResult.run("/usr/bin/env", ["sqlite3", database, "UPDATE fleets SET enabled_at = 0"], environment: [:])
        #expect(aged.status == 0, "\(aged.stderr)")
        _ = try bench.daemon.start(environment: bench.environment)
        #expect(eventually(timeout: 60) { Fleets.tasks(bench) == ["yearly yearly"] }, "\(Fleets.tasks(bench))")
        #expect(try Fleets.events(bench).contains { $0["type"] == "agent.catch_up" && $0["agent"] == "yearly" })
        // One run, not one per missed fire, and none for the agent without catch_up; a second restart adds none.
        #expect(bench.daemon.stop() == 0)
        _ = try bench.daemon.start(environment: bench.environment)
        Thread.sleep(forTimeInterval: 2)
        #expect(Fleets.tasks(bench) == ["yearly yearly"])
        #expect(try bench.pd(["fleet", "disable"]).status == 0)
    }

    @Test("SIGHUP makes the daemon read every fleet file again (with polling slowed to a minute)")
    func sighupReloads() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_FLEET_POLL": "60"])
        try Fleets.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
            """)
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        try Fleets.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
                docs:
                  trigger: docs:new
                  prompt: "Write {message}"
            """)
        let pid = try #require(bench.daemon.daemonPID)
        #expect(kill(pid, SIGHUP) == 0)
        #expect(eventually { (try? bench.daemon.client().fleets().fleets.first?.agents.map(\.name)) == ["qa", "docs"] })
        #expect(try Fleets.events(bench).contains { $0["type"] == "fleet.reloaded" })
        #expect(kill(pid, 0) == 0)
    }

    @Test("a storm of 100 trigger messages: never more than max_concurrent_spawns at once, and every message reaches some prompt of each agent")
    func triggerStorm() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("work", 1, 1)], delayMs: 400)])
        try Fleets.fleet(
            bench,
            """
                a:
                  trigger: storm:go
                  prompt: "a {message_id}"
                b:
                  trigger: storm:go
                  prompt: "b {message_id}"
            """, limits: "max_concurrent_spawns: 1, budget_usd_per_day: 5")
        #expect(try bench.pd(["fleet", "up", "--background"]).status == 0)
        let client = bench.daemon.client()
        var ids: Set<Int64> = []
        for n in 0..<100 { ids.insert(try client.publish("storm:go", PublishRequest(message: "m\(n)")).id) }
        func covered(_ agent: String) -> Set<Int64> {
            var seen: Set<Int64> = []
            for task in Fleets.tasks(bench) where task.hasPrefix(agent + " ") {
                // "a <id>", then for a collapsed wake "… ids 1, 2, 3)".
                let head = task.dropFirst(agent.count + 1).prefix { $0.isNumber }
                if let id = Int64(head) { seen.insert(id) }
                if let range = task.range(of: "the newest. ids ") {
                    seen.formUnion(task[range.upperBound...].split { !$0.isNumber }.compactMap { Int64($0) })
                }
            }
            return seen
        }
        #expect(eventually(timeout: 120) { covered("a").isSuperset(of: ids) && covered("b").isSuperset(of: ids) })
        #expect(eventually(timeout: 60) { (try? bench.daemon.client().fleets().fleets.first?.agents.allSatisfy { $0.status == "idle" }) == true })
        #expect(try Fleets.mostAtOnce(bench) == 1)
        // Collapsed, not one run per message.
        #expect(Fleets.tasks(bench).count < 20, "\(Fleets.tasks(bench).count) runs")
    }

    @Test("kill -9 of the daemon mid-fleet: no orphan agent, the bond refunded exactly once, the enabled fleet back and its message not rerun")
    func daemonCrashMidFleet() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "2"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "5"]).status == 0)
        try Fleets.fleet(
            bench,
            """
                qa:
                  trigger: jobs:new
                  prompt: "Do {message}"
                  budget: 1
            """)
        #expect(try bench.pd(["fleet", "enable"]).status == 0)
        #expect(try bench.pd(["pub", "jobs:new", "crash"]).status == 0)
        #expect(eventually(timeout: 60) { bench.starts.count == 1 })
        let agent = try #require(bench.starts.first?["pid"] as? Int)
        #expect(eventually { (try? bench.daemon.client().wallet("shop").balance.usd) == "1.900000" })
        bench.daemon.stop(signal: SIGKILL)
        _ = try bench.daemon.start(environment: bench.environment)
        #expect(eventually { kill(pid_t(agent), 0) != 0 })
        let client = bench.daemon.client()
        #expect(eventually { (try? client.fleets().fleets.map(\.project)) == ["shop"] })
        let wallet = try client.wallet("shop")
        #expect(wallet.balance.usd == "2.000000" && wallet.escrowed.micros == 0 && wallet.reserved.micros == 0, "\(wallet)")
        let bonds = try client.bonds(project: "shop", state: nil).bonds
        #expect(bonds.count == 1 && bonds.first?.state == .refunded, "\(bonds)")
        // The message was taken when its run started, so the fleet does not run it again after the crash.
        Thread.sleep(forTimeInterval: 2)
        #expect(bench.starts.count == 1)
        #expect(try bench.pd(["fleet", "disable"]).status == 0)
    }
}
