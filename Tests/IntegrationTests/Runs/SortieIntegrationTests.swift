import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// Sorties: a durable mission record with an event log around one run, inspectable after a daemon restart.
@Suite("Agent launcher: sorties")
struct SortieIntegrationTests {
    @Test("pd sortie runs the mission; status shows the log in order; after a daemon restart the outcome is still there")
    func sortieSurvivesRestart() throws {
        let bench = try AgentBench()
        try bench.plan([
            "turns": AgentBench.turns([("looked around", 10, 5), ("MISSION DONE", 10, 5)]), "cost_usd": 0.0002,
            "pd_calls": [["note", "the flaky test depends on wall-clock time"]],
        ])
        let result = try bench.pd(["sortie", "--backend", "claude-cli", "--budget", "1", "--", "find the flaky test"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("MISSION DONE"))
        let list = try bench.daemon.client().sorties(status: nil).sorties
        let sortie = try #require(list.first)
        #expect(sortie.state == "succeeded" && sortie.task == nil)
        let status = try bench.pd(["sortie", "status", sortie.id])
        let order = ["created:", "preflight:", "launched:", "note: the flaky test depends on wall-clock time", "usage:", "ended: succeeded"]
        var position = status.stdout.startIndex
        for entry in order {
            let found = try #require(status.stdout.range(of: entry, range: position..<status.stdout.endIndex), "\(entry) in \(status.stdout)")
            position = found.upperBound
        }
        _ = bench.daemon.stop()
        _ = try bench.daemon.start()
        let logs = try bench.pd(["sortie", "logs", sortie.id])
        #expect(logs.stdout.contains("ended: succeeded") && logs.stdout.contains("MISSION DONE"), "\(logs.stdout)")
        let full = try bench.daemon.client().sortie(sortie.id, full: true)
        #expect(full.outcome?.state == .succeeded && full.outcome?.cost.micros == 200)
        #expect(full.outcome?.notes == ["the flaky test depends on wall-clock time"])
    }

    @Test("pd sortie abort kills its run and the sortie ends aborted")
    func abort() throws {
        let bench = try AgentBench()
        try bench.plan(["turns": AgentBench.turns([("busy", 1, 1)]), "hang_after_turn": 1])
        let id = try bench.pd(["sortie", "--backend", "claude-cli", "--budget", "1", "--detach", "--", "busy work"]).output
        #expect(id.hasPrefix("sortie-"))
        #expect(eventually { bench.starts.count == 1 })
        let aborted = try bench.pd(["sortie", "abort", id])
        #expect(aborted.status == 0, "\(aborted.stderr)")
        #expect(eventually { (try? bench.daemon.client().sortie(id).state) == "aborted" })
        let run = try bench.run(try bench.daemon.client().sortie(id).runID)
        #expect(run.state == .killed && run.reason == "abort")
    }
}
