import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// The arbiter through the real pd and daemon: each invariant violated for real (or by a synthetic violation), and
/// seen in `pd arbiter`, the activity log and the `arbiter:violations` channel; strict mode acting on a squatter.
@Suite("Arbiter")
struct ArbiterIntegrationTests {
    static func status(_ daemon: TestDaemon) throws -> ArbiterStatus {
        let result = try daemon.pd(["arbiter", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(ArbiterStatus.self, from: Data(result.stdout.utf8))
    }

    static func invariant(_ daemon: TestDaemon, _ name: String) throws -> ArbiterInvariantStatus {
        try #require(try status(daemon).invariants.first { $0.name == name })
    }

    func sqlite3(_ database: String, _ sql: String) throws -> CommandResult {
        try TestDependencies.requireCommand("sqlite3")
        return try CommandResult.run("/usr/bin/env", ["sqlite3", database, sql], environment: ProcessInfo.processInfo.environment)
    }

    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test("test-invariant: one synthetic violation in the status, the activity log and the channel; unknown name 404; the mode persists")
    func syntheticViolation() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        // A webhook may subscribe to arbiter.violation (a closed local port: the delivery is queued, its attempts fail).
        let hook = try daemon.client().addWebhook(WebhookAddRequest(url: "http://127.0.0.1:9/arbiter", events: ["arbiter.violation"])).webhook.id
        let before = try Self.invariant(daemon, "NOTE_MONOTONICITY")
        #expect(before.violations == 0 && before.severity == .critical)
        let recorded = try daemon.pd(["arbiter", "test", "NOTE_MONOTONICITY"])
        #expect(recorded.status == 0 && recorded.stdout.contains("synthetic"), "\(recorded.stderr)")
        let after = try Self.invariant(daemon, "NOTE_MONOTONICITY")
        #expect(after.violations == 1 && after.lastViolation?.synthetic == true, "\(after)")
        #expect(try Self.status(daemon).invariants.filter { $0.name != "NOTE_MONOTONICITY" }.allSatisfy { $0.violations == 0 })
        let unknown = try daemon.pd(["arbiter", "test", "NO_SUCH_THING"])
        #expect(unknown.status != 0 && unknown.stderr.contains("PID_SQUATTING"), "\(unknown.stderr)")
        #expect(throws: ClientError.self) { try daemon.client().testInvariant("NO_SUCH_THING") }
        #expect(
            try eventually {
                try daemon.client().activity(since: nil, type: "arbiter", limit: 10).activity.contains {
                    $0.type == "arbiter.violation" && $0.subject == "NOTE_MONOTONICITY" && ($0.detail ?? "").contains("synthetic")
                }
            })
        #expect(
            try eventually {
                try daemon.client().webhookDeliveries(hook).deliveries.contains {
                    $0.event == "arbiter.violation" && $0.subject == "NOTE_MONOTONICITY"
                }
            })
        let published = try daemon.client().history("arbiter:violations", after: 0).messages
        let violation = try JSONDecoder().decode(ArbiterViolationInfo.self, from: Data(try #require(published.first).message.utf8))
        #expect(violation.invariant == "NOTE_MONOTONICITY" && violation.synthetic)
        // The mode is kept across a restart.
        #expect(try daemon.pd(["arbiter", "mode", "strict"]).status == 0)
        #expect(daemon.stop() == 0)
        try daemon.start()
        #expect(try Self.status(daemon).mode == .strict)
    }

    @Test("mode and test-invariant over TCP: 401 without the token, 403 from a foreign Origin; the status is open-read")
    func authority() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: info.tcpPort))
        let token = try String(contentsOfFile: daemon.portDaddyEnvironment.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let strict = Array(#"{"mode":"strict"}"#.utf8)
        let anonymous = try tcp.send(method: "POST", path: "/arbiter/mode", body: strict)
        #expect(anonymous.status == 401 && String(decoding: anonymous.body, as: UTF8.self).contains("UNTRUSTED_CALLER"))
        #expect(try tcp.send(method: "POST", path: "/arbiter/test-invariant/PID_SQUATTING").status == 401)
        let foreign = try tcp.send(
            method: "POST", path: "/arbiter/mode", body: strict, headers: [("X-PD-Token", token), ("Origin", "http://evil.example")])
        #expect(foreign.status == 403)
        #expect(try tcp.send(method: "GET", path: "/arbiter/status").status == 200)
        let unknown = try tcp.send(method: "POST", path: "/arbiter/test-invariant/NO_SUCH_THING", headers: [("X-PD-Token", token)])
        #expect(unknown.status == 404 && String(decoding: unknown.body, as: UTF8.self).contains("NOT_FOUND"))
        #expect(try Self.status(daemon).mode == .observe)
        #expect(try Self.invariant(daemon, "PID_SQUATTING").violations == 0)
        #expect(try tcp.send(method: "POST", path: "/arbiter/mode", body: strict, headers: [("X-PD-Token", token)]).status == 200)
        #expect(try Self.status(daemon).mode == .strict)
    }

    @Test("a claim and a lock over the socket naming an unrelated sleep's PID: PID_SQUATTING warnings, nothing happens even in strict mode")
    func namedPIDWarning() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["arbiter", "mode", "strict"]).status == 0)
        // The pd process's own parent (the default PID of a claim) is related: no warning.
        #expect(try daemon.pd(["claim", "mine:web", "-q"]).status == 0)
        #expect(try Self.invariant(daemon, "PID_SQUATTING").violations == 0)
        let sleeper = try RunningCommand("/bin/sleep", ["300"], environment: [:])
        defer {
            kill(sleeper.pid, SIGKILL)
            _ = sleeper.wait()
        }
        let claimed = try daemon.pd(["claim", "other:web", "--pid", String(sleeper.pid), "-q"])
        #expect(claimed.status == 0, "\(claimed.stderr)")
        let squat = try Self.invariant(daemon, "PID_SQUATTING")
        #expect(squat.violations == 1, "\(squat)")
        let last = try #require(squat.lastViolation)
        #expect(last.severity == .warning && last.action == nil && !last.synthetic && last.detail.contains(String(sleeper.pid)), "\(last)")
        // A lock naming it: a second warning.
        let locked = try daemon.pd(["lock", "other-lock", "--pid", String(sleeper.pid)])
        #expect(locked.status == 0, "\(locked.stderr)")
        let both = try Self.invariant(daemon, "PID_SQUATTING")
        #expect(both.violations == 2 && both.lastViolation?.detail.contains("lock other-lock") == true, "\(both)")
        // Nothing was acted on: the claim and the lock stand, the sleeper runs.
        #expect(try daemon.pd(["find", "other:web"]).status == 0)
        #expect(try daemon.client().locks().locks.contains { $0.name == "other-lock" })
        #expect(kill(sleeper.pid, 0) == 0)
    }

    @Test("a second agent bound to a live agent's (pid, start): critical; in strict mode it is declared dead and its session is in pd salvage")
    func squattingAgentSalvaged() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["arbiter", "mode", "strict"]).status == 0)
        let sleeper = try RunningCommand("/bin/sleep", ["300"], environment: [:])
        defer {
            kill(sleeper.pid, SIGKILL)
            _ = sleeper.wait()
        }
        let client = daemon.client()
        _ = try client.register(AgentRegisterRequest(id: "holder", identity: "squat:holder", pid: PID(system: sleeper.pid)))
        _ = try client.begin(BeginRequest(purpose: "borrowing a PID", agent: "squatter", identity: "squat:api"))
        #expect(try Self.invariant(daemon, "PID_SQUATTING").violations == 0)
        _ = try client.register(AgentRegisterRequest(id: "squatter", pid: PID(system: sleeper.pid)))
        let squat = try #require(try Self.invariant(daemon, "PID_SQUATTING").lastViolation)
        #expect(squat.severity == .critical && squat.agent == "squatter" && squat.action == "declared dead", "\(squat)")
        let salvage = try daemon.pd(["salvage"])
        #expect(salvage.status == 0 && salvage.stdout.contains("squatter") && !salvage.stdout.contains("holder"), "\(salvage.stdout)")
        let agents = try client.agents().agents
        #expect(agents.first { $0.id == "holder" }?.state == "alive" && agents.first { $0.id == "squatter" }?.state == "dead", "\(agents)")
    }

    @Test("notes are append-only in SQL: UPDATE of a note's text and DELETE through sqlite3 on a stopped daemon's database fail")
    func noteTriggers() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["begin", "append only"], environment: ["PD_AGENT_ID": "scribe"]).status == 0)
        #expect(try daemon.pd(["note", "written once"], environment: ["PD_AGENT_ID": "scribe"]).status == 0)
        #expect(daemon.stop() == 0)
        let database = daemon.home + "/registry.sqlite"
        let update = try sqlite3(database, "UPDATE notes SET text = 'rewritten';")
        #expect(update.status != 0 && update.stderr.contains("NOTE_MONOTONICITY"), "\(update.stderr)")
        let delete = try sqlite3(database, "DELETE FROM notes;")
        #expect(delete.status != 0 && delete.stderr.contains("NOTE_MONOTONICITY"), "\(delete.stderr)")
        #expect(try sqlite3(database, "SELECT count(*) FROM notes;").output == "1")
        try daemon.start()
        #expect(try daemon.pd(["notes"], environment: ["PD_AGENT_ID": "scribe"]).stdout.contains("written once"))
    }

    @Test("ESCROW_POSITIVITY: none after real wallet and bond operations; a ledger forced negative in SQL is reported by the sweep at start")
    func escrowPositivity() throws {
        let bench = try AgentBench(daemonEnvironment: ["PORT_DADDY_REAP_INTERVAL": "0.3"])
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        #expect(try bench.pd(["wallet", "top-up", "shop", "--usd", "1"]).status == 0)
        #expect(try bench.pd(["wallet", "budget", "shop", "--usd-per-day", "3"]).status == 0)
        let run = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--identity", "shop:qa", "--detach", "--", "work"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try bench.daemon.client().bonds(project: "shop", state: nil).bonds.first?.state == .escrowed)
        let escrowedChecks = try Self.invariant(bench.daemon, "ESCROW_POSITIVITY").checked
        #expect(try eventually { try Self.invariant(bench.daemon, "ESCROW_POSITIVITY").checked >= escrowedChecks + 2 })
        _ = try bench.kill(run.output)
        #expect(try eventually { try bench.daemon.client().bonds(project: "shop", state: "refunded").bonds.count == 1 })
        let refundedChecks = try Self.invariant(bench.daemon, "ESCROW_POSITIVITY").checked
        #expect(try eventually { try Self.invariant(bench.daemon, "ESCROW_POSITIVITY").checked >= refundedChecks + 2 })
        #expect(try Self.invariant(bench.daemon, "ESCROW_POSITIVITY").violations == 0)
        #expect(bench.daemon.stop() == 0)
        let forced = try sqlite3(
            bench.daemon.home + "/registry.sqlite",
            "INSERT INTO wallet_ledger (project, at, kind, micros, reason) VALUES ('shop', \(Self.nowMillis()), 'forced', -5000000, 'test');")
        #expect(forced.status == 0, "\(forced.stderr)")
        try bench.daemon.start()
        let escrow = try Self.invariant(bench.daemon, "ESCROW_POSITIVITY")
        #expect(escrow.violations == 1 && escrow.lastViolation?.detail.contains("wallet shop") == true, "\(escrow)")
    }

    @Test("LOCK_OWNER_VALIDITY and HEARTBEAT_FRESHNESS: a lock held by an agent dead long ago, an agent active past its TTL, reported at start")
    func livenessInvariants() throws {
        // The reaper slowed right down: only the arbiter's sweep at start sees the state.
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "3600"])
        try daemon.start()
        #expect(try Self.invariant(daemon, "LOCK_OWNER_VALIDITY").violations == 0)
        #expect(try Self.invariant(daemon, "HEARTBEAT_FRESHNESS").violations == 0)
        #expect(daemon.stop() == 0)
        let now = Self.nowMillis()
        // Three hours ago: more than one (slowed) reaper interval past the TTL.
        let longAgo = now - 3 * 3_600_000
        let edit = try sqlite3(
            daemon.home + "/registry.sqlite",
            """
            INSERT INTO agents (id, ttl_ms, registered_at, last_heartbeat, state, died_at)
                VALUES ('ghost', 60000, \(longAgo), \(longAgo), 'dead', \(longAgo));
            INSERT INTO agents (id, ttl_ms, registered_at, last_heartbeat, state) VALUES ('sleepy', 60000, \(longAgo), \(longAgo), 'active');
            INSERT INTO locks (name, owner, token, acquired_at, expires_at) VALUES ('db-migrate', 'ghost', 7, \(longAgo), \(now + 86_400_000));
            INSERT OR REPLACE INTO lock_tokens (name, last_token) VALUES ('db-migrate', 7);
            """)
        #expect(edit.status == 0, "\(edit.stderr)")
        try daemon.start()
        let lock = try Self.invariant(daemon, "LOCK_OWNER_VALIDITY")
        #expect(lock.violations == 1 && lock.lastViolation?.detail.contains("db-migrate") == true && lock.lastViolation?.agent == "ghost", "\(lock)")
        let stale = try Self.invariant(daemon, "HEARTBEAT_FRESHNESS")
        #expect(stale.violations == 1 && stale.lastViolation?.agent == "sleepy", "\(stale)")
    }

    @Test("CAPABILITY_ESCALATION: a non-member's write into a closed harbor is refused and recorded")
    func capabilityEscalation() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["harbor", "create", "vault", "--closed"], environment: ["PD_AGENT_ID": "keeper"]).status == 0)
        #expect(try Self.invariant(daemon, "CAPABILITY_ESCALATION").violations == 0)
        let write = try daemon.pd(["tuple", "out", #"["secret"]"#, "--harbor", "vault"], environment: ["PD_AGENT_ID": "intruder"])
        #expect(write.status == 7 && write.stderr.contains("not a member"), "\(write.stderr)")
        let escalation = try Self.invariant(daemon, "CAPABILITY_ESCALATION")
        #expect(escalation.violations == 1 && escalation.lastViolation?.agent == "intruder", "\(escalation)")
    }
}
