import Foundation
import PortDaddyAPI
import PortDaddyCore

extension RunService {
    /// Launches a sortie: a durable mission record with an event log around one run. The launch's refusals come
    /// before anything is recorded.
    public func launchSortie(_ request: SpawnRequest) async throws(PortDaddyError) -> SortieInfo {
        var request = request
        request.dryRun = nil
        let plan = try plan(request)
        if shuttingDown { throw .stackBusy("the daemon is shutting down") }
        if live.count >= settings.maxRuns { throw .concurrencyLimit(limit: settings.maxRuns) }
        let task = request.task.trimmingCharacters(in: .whitespacesAndNewlines)
        var sortie = SortieInfo(
            id: "sortie-" + Secret.hex(bytes: 4), name: DisplayName.make(given: request.name, task: task), state: "running",
            runID: "", harbor: request.harbor, events: 0, createdAt: clock.nowMillis(), endedAt: nil, task: task)
        try store.saveSortie(sortie)
        log(sortie.id, "created", "mission \"\(sortie.name)\" on \(plan.backend.rawValue)" + (plan.model.map { " (\($0))" } ?? ""))
        log(sortie.id, "preflight", plan.preflight.map { "\($0.ok ? "✔" : "✘") \($0.check): \($0.detail)" }.joined(separator: "; "))
        do {
            let run = try await launch(request, plan, sortie: sortie.id)
            sortie.runID = run.id
            try store.saveSortie(sortie)
            log(sortie.id, "launched", "\(run.id) as agent \(run.agentID), pid \(run.pid.map(String.init) ?? "-")")
        } catch {
            sortie.state = "failed"
            sortie.endedAt = clock.nowMillis()
            try? store.saveSortie(sortie)
            log(sortie.id, "ended", "failed to launch: \(error.description)")
            throw error
        }
        return try self.sortie(sortie.id, full: false)
    }

    /// Records the outcome of a sortie's run: the agent's notes and files, then the ending with its outcome.
    func sortieEnded(_ info: RunInfo, notes: [String], files: [String]) {
        guard let id = info.sortieID, var sortie = try? store.sortie(id) else { return }
        for note in notes { log(id, "note", note) }
        log(id, "usage", "\(info.tokens.input) in / \(info.tokens.output) out tokens, $\(info.cost.usd)")
        let outcome = SortieOutcome(
            state: info.state, reason: info.reason, result: info.result, cost: info.cost, tokens: info.tokens, notes: notes, files: files)
        sortie.state = sortie.state == "aborting" ? "aborted" : info.state.rawValue
        sortie.outcome = outcome
        sortie.endedAt = info.endedAt
        try? store.saveSortie(sortie)
        log(id, "ended", sortie.state + (info.reason.map { " (\($0))" } ?? "") + (info.result.map { ": " + String($0.prefix(500)) } ?? ""))
    }

    /// Appends to a sortie's log and wakes its followers.
    func log(_ sortie: String, _ kind: String, _ text: String) {
        _ = try? store.appendSortieEvent(sortie, kind: kind, text: text, at: clock.nowMillis())
        let waiting = sortieWaiters.removeValue(forKey: sortie) ?? []
        for continuation in waiting { continuation.resume() }
    }

    public func sorties(state: String?) throws(PortDaddyError) -> [SortieInfo] { try store.sorties(state: state, limit: 500) }

    /// One sortie; with `full`, its task, outcome and log.
    public func sortie(_ id: String, full: Bool) throws(PortDaddyError) -> SortieInfo {
        guard var sortie = try store.sortie(id) else { throw .notFound("no sortie \(id); pd sortie list shows them") }
        if !full {
            sortie.task = nil
            sortie.outcome = nil
            sortie.log = nil
        }
        return sortie
    }

    /// Aborts a sortie: its run is killed and the sortie ends `aborted`.
    public func abortSortie(_ id: String) async throws(PortDaddyError) -> SortieInfo {
        var sortie = try self.sortie(id, full: true)
        guard sortie.endedAt == nil else { return try self.sortie(id, full: false) }
        sortie.state = "aborting"
        try store.saveSortie(sortie)
        log(id, "abort", "abort requested")
        if !sortie.runID.isEmpty { _ = try await kill(sortie.runID, reason: "abort") }
        return try self.sortie(id, full: false)
    }

    /// The log entries after `cursor`; when there are none yet and the sortie goes on, waits for the next one (at
    /// most `patience`). Returns the entries and whether the sortie has ended.
    public func sortieEvents(_ id: String, after cursor: Int64, patience: Duration) async throws(PortDaddyError) -> ([SortieEvent], Bool) {
        let events = try store.sortieEvents(id, after: cursor)
        let ended = try self.sortie(id, full: false).endedAt != nil
        if !events.isEmpty || ended { return (events, ended && events.isEmpty) }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: patience)
            await self?.wakeSortie(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            sortieWaiters[id, default: []].append(continuation)
        }
        timer.cancel()
        return (try store.sortieEvents(id, after: cursor), false)
    }

    func wakeSortie(_ id: String) {
        for continuation in sortieWaiters.removeValue(forKey: id) ?? [] { continuation.resume() }
    }
}
