import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStacks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RunService {
    /// Kills a run's whole tree (idempotent: a run that already ended answers with its final state and
    /// `alreadyEnded`). Returns once the run has ended.
    public func kill(_ key: String, reason: String = "user") async throws(PortDaddyError) -> RunInfo {
        let id = try resolve(key)
        guard let run = live[id] else {
            var ended = try self.run(id, full: false)
            ended.alreadyEnded = true
            return ended
        }
        stop(id, reason: reason)
        await ended(run)
        return Self.public(run.info)
    }

    /// Asks a run to end with `reason`: the first reason wins; the tree gets SIGTERM, then SIGKILL after the grace.
    func stop(_ id: String, reason: String) {
        guard let run = live[id], !run.info.state.isFinal else { return }
        if run.killReason == nil { run.killReason = reason }
        guard !run.terminating, let pid = run.pid else { return }
        run.terminating = true
        activity?.record(.runKill, actor: run.info.agentID, subject: id, detail: reason)
        run.feed.append(kind: "state", service: "run", stream: "stopping", text: "stopping (\(reason))")
        let grace = settings.stopGrace
        noteDescendants(of: id)
        let known = run.descendants
        Task.detached { await ProcessTerminator.terminate(group: pid, stragglers: known, grace: grace) }
    }

    /// Waits until the run has ended and returns it whole (with its result); nil for an unknown run.
    public func waitForEnd(_ id: String) async -> RunInfo? {
        if let run = live[id] { await ended(run) }
        return try? self.run(id, full: true)
    }

    /// Waits until `run` has ended.
    func ended(_ run: LiveRun) async {
        while live[run.info.id] != nil {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                run.endWaiters.append(continuation)
            }
        }
    }

    /// The process exited: collect the last output, then end the run in its one final state.
    func exited(_ id: String, status: ExitStatus) async {
        guard let run = live[id] else { return }
        await drain(run)
        // Whatever the agent left behind (a daemonized helper) does not outlive its run.
        if let pid = run.pid { await ProcessTerminator.terminate(group: pid, stragglers: run.descendants, grace: .milliseconds(500)) }
        apply(run.parser.finish(), to: run, stream: "out")
        apply(run.usageParser.finish(), to: run, stream: "usage")
        finish(run, status: status)
    }

    /// Waits for the streams' ends, but not longer than the drain timeout (a grandchild may hold a pipe open).
    func drain(_ run: LiveRun) async {
        guard run.openStreams > 0 else { return }
        let timeout = settings.outputDrainTimeout
        let id = run.info.id
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.releaseDrain(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in run.streamsDrained.append(continuation) }
        timer.cancel()
    }

    func releaseDrain(_ id: String) {
        guard let run = live[id] else { return }
        let waiting = run.streamsDrained
        run.streamsDrained = []
        for continuation in waiting { continuation.resume() }
    }

    /// Decides the final state, stores it, closes or salvages the session, and tells every follower.
    func finish(_ run: LiveRun, status: ExitStatus) {
        var info = run.info
        info.exitCode = status.code.map(Int.init)
        info.signal = status.signal.map(Int.init)
        info.endedAt = clock.nowMillis()
        if let reason = run.killReason {
            info.state = .killed
            info.reason = reason
        } else if status.code == 0 && info.telemetry == .reported && !run.usageSeen {
            info.state = .failed
            info.reason = "telemetry-missing"
        } else if status.code == 0 && run.resultText == nil && info.backend == Backend.claudeCLI.rawValue {
            // claude's stream ends with a result record; without one the run did not finish its work.
            info.state = .failed
            info.reason = "no-result"
        } else if status.code == 0 && !run.resultIsError {
            info.state = .succeeded
            info.reason = "exit"
        } else {
            info.state = .failed
            info.reason = status.code == nil ? "signal" : "exit"
        }
        info.result = run.resultText
        run.info = info
        try? store.saveRun(info)
        if let pid = run.pid { try? store.forgetProcess(kind: .run, key: info.id, pid: pid) }
        // The bond is refunded unless the agent broke its telemetry promise or overran its own budget (held for the user).
        pendingKills[info.id] = nil
        let held = info.reason == "telemetry-missing" || info.reason == "run-budget"
        wallets?.settle(run: info.id, hold: held, reason: info.reason ?? info.state.rawValue)
        let agent = info.agentID
        if info.sortieID != nil {
            let session = info.sessionID.flatMap { id in try? coordination.sessions(agent: agent, includeEnded: true).first { $0.id == id } }
            sortieEnded(info, notes: session?.notes.map(\.text) ?? [], files: session?.files ?? [])
        }
        if info.state == .succeeded {
            let handoff = "run \(info.id) succeeded: " + String((info.result ?? "").prefix(2048))
            _ = try? coordination.done(agent: agent, note: handoff, abandon: false)
            try? coordination.unregister(agent)
        } else {
            let why = "run \(info.id) \(info.state.rawValue) (\(info.reason ?? "exit")); its session waits in salvage"
            _ = try? coordination.declareDead(agent, why: why)
        }
        rememberOutcome(info)
        activity?.record(.runEnd, actor: agent, subject: info.id, detail: "\(info.state.rawValue) \(info.reason ?? "") cost \(info.cost.usd)")
        let end = RunEnd(
            state: info.state, reason: info.reason, exitCode: info.exitCode, result: info.result, cost: info.cost, tokens: info.tokens)
        run.feed.append(kind: "end", service: "run", stream: info.state.rawValue, text: Self.json(end))
        run.feed.finish()
        run.log.finish()
        for watcher in run.watchers { watcher.cancel() }
        live[info.id] = nil
        endedFeeds.append((info.id, run.feed))
        if endedFeeds.count > Self.endedFeedsKept { endedFeeds.removeFirst() }
        let waiting = run.endWaiters
        run.endWaiters = []
        for continuation in waiting { continuation.resume() }
    }

    // MARK: daemon lifecycle

    /// At start: stops the agents a killed daemon left running and marks their runs `lost` (their sessions go to
    /// salvage). Returns the runs found lost.
    public func recoverOrphans() async -> [String] {
        let recorded = (try? store.recordedProcesses(kind: .run)) ?? []
        _ = await OrphanStopper.stop(recorded, grace: settings.stopGrace, prober: prober)
        for process in recorded { try? store.forgetProcess(kind: .run, key: process.key, pid: process.pid) }
        var lost: [String] = []
        for var run in (try? store.runs(since: nil, limit: 10_000)) ?? [] where !run.state.isFinal {
            guard var full = try? store.run(run.id) else { continue }
            run = full
            full.state = .lost
            full.reason = "lost"
            full.endedAt = clock.nowMillis()
            try? store.saveRun(full)
            wallets?.settle(run: full.id, hold: false, reason: "lost")
            if full.sortieID != nil { sortieEnded(full, notes: [], files: []) }
            rememberOutcome(full)
            _ = try? coordination.declareDead(full.agentID, why: "run \(full.id) lost: the daemon that ran it died")
            activity?.record(.runLost, actor: full.agentID, subject: full.id, detail: "the daemon that ran it died")
            lost.append(run.id)
        }
        return lost
    }

    /// On a graceful daemon stop: every run is killed with reason `daemon-stop`, and this returns once all ended.
    public func stopAll() async {
        shuttingDown = true
        let running = Array(live.values)
        for run in running { stop(run.info.id, reason: "daemon-stop") }
        for run in running { await ended(run) }
    }

    /// Forgets ended runs (and their logs) older than the retention.
    public func prune() {
        let cutoff = clock.nowMillis() - Int64(settings.retentionSeconds * 1000)
        for id in (try? store.pruneRuns(endedBefore: cutoff)) ?? [] { RunLogFile.remove(directory: settings.logDirectory, runID: id) }
    }
}

extension RunService {
    /// A run's (or its sortie's) outcome as an episode: what it was asked, how it ended, what it cost, its result.
    func rememberOutcome(_ info: RunInfo) {
        let source = info.sortieID.map { "sortie:\($0)" } ?? "run:\(info.id)"
        var text = "\(info.name): \(info.state.rawValue)" + (info.reason.map { " (\($0))" } ?? "") + ", $\(info.cost.usd)"
        if let result = info.result, !result.isEmpty { text += " — " + String(result.prefix(1000)) }
        episodes?.record(.outcome, text: text, source: source, agent: info.agentID, identity: info.identity, session: info.sessionID)
    }
}
