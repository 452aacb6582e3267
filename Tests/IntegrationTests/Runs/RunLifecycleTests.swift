import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// Runs across the terminal's and the daemon's life: detach, SIGHUP, Ctrl-C, a daemon killed with -9; custom
/// agents' usage protocol; who may launch and read; secrets that never land anywhere.
@Suite("Agent launcher: lifecycle, usage protocol, authority")
struct RunLifecycleTests {
    @Test("--detach returns at once; SIGHUP leaves the run going and pd spawn logs -f sees the rest; Ctrl-C kills it, exit 130")
    func terminalContract() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("first", 1, 1), ("second", 1, 1), ("third", 1, 1)], delayMs: 700)])
        let attached = try bench.spawnPD(["spawn", "--backend", "claude-cli", "--budget", "1", "--", "slow"], ownGroup: true)
        #expect(eventually { attached.outputSoFar.contains("first") })
        kill(attached.pid, SIGHUP)
        _ = attached.wait()
        let run = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        let follow = try bench.pd(["spawn", "logs", run.id, "-f"])
        #expect(follow.stdout.contains("third"), "\(follow.stdout)")
        #expect(try bench.ended(run.id).state == .succeeded)

        try bench.plan(["turns": AgentBench.turns([("tick", 1, 1)]), "hang_after_turn": 1])
        let interrupted = try bench.spawnPD(["spawn", "--backend", "claude-cli", "--budget", "1", "--", "hang"], ownGroup: true)
        #expect(eventually { interrupted.outputSoFar.contains("tick") })
        kill(-interrupted.pid, SIGINT)
        #expect(interrupted.wait().status == 130)
        let killed = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first { $0.id != run.id })
        #expect(try bench.ended(killed.id).state == .killed)
    }

    @Test("a daemon killed with -9: the next one stops the orphaned agent and marks its run lost")
    func daemonCrash() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        let id = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "hang"]).output
        let pid = try #require(try bench.run(id).pid)
        #expect(eventually { bench.starts.count == 1 })
        bench.daemon.stop(signal: SIGKILL)
        #expect(kill(pid_t(pid), 0) == 0)
        _ = try bench.daemon.start()
        #expect(eventually { kill(pid_t(pid), 0) != 0 })
        let lost = try bench.run(id)
        #expect(lost.state == .lost)
        #expect(try bench.pd(["salvage", "--json"]).stdout.contains(lost.agentID))
    }

    @Test("a graceful daemon stop kills every run with reason daemon-stop and leaves no agent process")
    func gracefulStop() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        let id = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "hang"]).output
        let pid = try #require(try bench.run(id).pid)
        #expect(eventually { bench.starts.count == 1 })
        #expect(bench.daemon.stop() == 0)
        #expect(kill(pid_t(pid), 0) != 0)
        _ = try bench.daemon.start()
        let stopped = try bench.run(id)
        #expect(stopped.state == .killed && stopped.reason == "daemon-stop")
    }

    @Test("custom agents report usage on fd 3 or with pd usage report; a wrong token is 401; promised but silent fails")
    func customUsage() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("a", 100, 20), ("b", 50, 5)])])
        let viaFD = try bench.pd(["spawn", "--backend", "custom", "--budget", "1", "--telemetry", "report", "--task", "count", "--", "fake-custom"])
        #expect(viaFD.status == 0, "\(viaFD.stderr)")
        let first = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(first.tokens.input == 150 && first.tokens.output == 25 && first.telemetry == .reported)
        // The task reached the agent in PD_TASK and on stdin, the argv is exactly ours.
        let start = try #require(bench.starts.last)
        #expect((start["env"] as? [String: String])?["PD_TASK"] == "count")
        #expect(start["stdin"] as? String == "count")

        try bench.plan(["turns": AgentBench.turns([("a", 7, 3)]), "usage_via_cli": true])
        let viaCLI = try bench.pd(["spawn", "--backend", "custom", "--budget", "1", "--telemetry", "report", "--task", "cli", "--", "fake-custom"])
        #expect(viaCLI.status == 0, "\(viaCLI.stderr)")
        let second = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first { $0.id != first.id })
        #expect(second.tokens.input == 7 && second.tokens.output == 3)

        try bench.plan(["turns": AgentBench.turns([("quiet", 1, 1)]), "report_usage": false, "hang_after_turn": 1])
        let silentID = try bench.pd(
            ["spawn", "--backend", "custom", "--budget", "1", "--telemetry", "report", "--task", "t", "--detach", "--", "fake-custom"]
        ).output
        let wrong = try bench.pd(["usage", "report", "--input", "1", "--output", "1"], environment: ["PD_RUN_ID": silentID, "PD_RUN_TOKEN": "nope"])
        #expect(wrong.status != 0 && wrong.stderr.contains("token"), "\(wrong.stderr)")
        _ = try bench.kill(silentID)
        try bench.plan(["turns": AgentBench.turns([("quiet", 1, 1)]), "report_usage": false])
        let silent = try bench.pd(["spawn", "--backend", "custom", "--budget", "1", "--telemetry", "report", "--task", "t", "--", "fake-custom"])
        #expect(silent.status == 9)
        let missing = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(missing.state == .failed && missing.reason == "telemetry-missing")
        // A custom agent that does not promise to report is refused.
        let unpromised = try bench.pd(["spawn", "--backend", "custom", "--budget", "1", "--task", "t", "--", "fake-custom"])
        #expect(unpromised.status == 4)
    }

    @Test("over TCP without the token, launching, following and killing are 401 and a foreign Origin 403; the list is open and has no task")
    func authority() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("up", 1, 1)]), "hang_after_turn": 1])
        let id = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "top secret task text"]).output
        let base = "http://127.0.0.1:\(bench.daemon.tcpPort)"
        func curl(_ args: [String]) throws -> String {
            try CommandResult.run("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"] + args, environment: [:]).output
        }
        let body = #"{"backend":"custom","task":"x","budgetUsd":"1","workdir":"/tmp","executable":"/bin/true","telemetry":"report"}"#
        #expect(try curl(["-X", "POST", "-H", "Content-Type: application/json", "-d", body, base + "/spawn"]) == "401")
        #expect(try curl([base + "/runs/\(id)/events"]) == "401")
        #expect(try curl([base + "/runs/\(id)/logs"]) == "401")
        #expect(try curl(["-X", "POST", base + "/runs/\(id)/kill"]) == "401")
        #expect(try curl([base + "/runs/\(id)?full=true"]) == "401")
        #expect(try curl(["-H", "Origin: http://evil.example", base + "/runs"]) == "403")
        let list = try CommandResult.run("/usr/bin/env", ["curl", "-s", base + "/runs"], environment: [:])
        #expect(list.stdout.contains(id) && !list.stdout.contains("top secret task text"))
        #expect(try bench.run(id).state == .running)
        _ = try bench.kill(id)
    }

    @Test("an API key in the caller's environment reaches the agent but never pd's output, the database or the logs")
    func secretsStayOut() throws {
        let bench = try AgentBench()
        let marker = "sk-ant-MARKER-\(UUID().uuidString)"
        try bench.plan(["turns": AgentBench.turns([("done", 1, 1)]), "cost_usd": 0.0001])
        let result = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "1", "--", "hi"], environment: ["ANTHROPIC_API_KEY": marker])
        #expect(result.status == 0)
        #expect(bench.starts.first?["anthropic_key_present"] as? Bool == true)
        #expect(!result.stdout.contains(marker) && !result.stderr.contains(marker))
        let run = try #require(try bench.daemon.client().runs(all: true, project: nil).runs.first)
        #expect(!(try bench.pd(["spawned", "--json"]).stdout.contains(marker)))
        _ = bench.daemon.stop()
        for file in try FileManager.default.contentsOfDirectory(atPath: bench.daemon.home) + ["runs/\(run.id).log"] {
            let path = bench.daemon.home + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            #expect(data.range(of: Data(marker.utf8)) == nil, "\(file) holds the key")
        }
    }
}
