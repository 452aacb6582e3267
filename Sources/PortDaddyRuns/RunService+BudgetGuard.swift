import Foundation
import PortDaddyAPI
import PortDaddyCore

/// A run over its project's allowance: killed at `deadline` unless the user acts.
struct PendingKill: Sendable {
    var project: String
    var deadline: Int64
    var extensions: Int
}

/// The budget guard: when a project's spend today reaches its allowance while its agents run, each of them gets a
/// pending kill — announced on `budget:pending`, the run keeps going — and the user has until the deadline
/// (`PORT_DADDY_BUDGET_GRACE`) to raise the allowance (every pending kill of the project is then cleared), kill it now,
/// or extend the grace (twice at most). At the deadline it is killed with reason `budget` (its bond is refunded:
/// the guard acting is not the agent misbehaving). Every decision is taken on this actor, so the first one wins.
extension RunService {
    /// The maximum number of grace extensions.
    static let maxExtensions = 2

    /// Checks the project's spend against its allowance; gives its running agents pending kills when it is reached.
    /// Called on every usage update and when the user changes a budget.
    public func guardBudget(of project: String) {
        guard let wallets, let (figures, allowance) = wallets.overAllowance(project) else { return }
        let now = clock.nowMillis()
        let grace = Self.millis(settings.budgetGrace)
        for run in live.values where WalletService.project(of: run.info.identity) == project {
            let id = run.info.id
            guard pendingKills[id] == nil, run.killReason == nil else { continue }
            let pending = PendingKill(project: project, deadline: now + grace, extensions: 0)
            pendingKills[id] = pending
            let info = PendingKillInfo(
                run: id, project: project, spentToday: MoneyAmount(micros: figures.spentToday), allowance: MoneyAmount(micros: allowance),
                deadline: pending.deadline, extensions: 0)
            announce?("budget:pending", Self.json(BudgetMessage(type: "budget.pending", pending: info)))
            activity?.record(
                .budgetPending, actor: run.info.agentID, subject: id, detail: "\(project) spent \(info.spentToday.usd) of \(info.allowance.usd)")
            run.feed.append(
                kind: "state", service: "run", stream: "budget", text: "over the project's allowance: stops at the deadline unless raised")
            armDeadline(for: id)
        }
    }

    /// The runs waiting on their budget.
    public func pendingBudgetKills() -> [PendingKillInfo] { pendingKills.sorted { $0.key < $1.key }.map(info) }

    /// One pending kill with its project's figures now.
    func info(_ id: String, _ pending: PendingKill) -> PendingKillInfo {
        let figures = wallets.flatMap { try? $0.wallet(pending.project) }
        return PendingKillInfo(
            run: id, project: pending.project, spentToday: figures?.spentToday ?? MoneyAmount(micros: 0),
            allowance: figures?.allowance ?? MoneyAmount(micros: 0), deadline: pending.deadline, extensions: pending.extensions)
    }

    /// Raises the allowance of the run's project for today; when the spend is then under it, every pending kill of
    /// the project is cleared.
    public func raiseBudget(for key: String, usd: String, by actor: String?) throws(PortDaddyError) -> WalletInfo {
        let id = try resolve(key)
        guard let wallets else { throw .notFound("wallets are not enabled") }
        let run = try self.run(id, full: false)
        guard let project = pendingKills[id]?.project ?? WalletService.project(of: run.identity) else {
            throw .invalidRequest("run \(id) has no identity, so no project wallet governs it")
        }
        let wallet = try wallets.raise(project, usd: usd, run: id, by: actor)
        if wallets.overAllowance(project) == nil {
            let cleared = pendingKills.filter { $0.value.project == project }.map(\.key).sorted()
            for run in cleared { pendingKills[run] = nil }
            if !cleared.isEmpty {
                announce?("budget:pending", Self.json(BudgetMessage(type: "budget.cleared", project: project, runs: cleared)))
                activity?.record(.budgetCleared, actor: actor, subject: project, detail: cleared.joined(separator: " "))
            }
        }
        return wallet
    }

    /// Kills a run waiting on its budget now.
    public func killPending(_ key: String) async throws(PortDaddyError) -> RunInfo {
        let id = try resolve(key)
        guard pendingKills.removeValue(forKey: id) != nil else { throw .alreadyKilled(run: id) }
        return try await kill(id, reason: "budget")
    }

    /// Gives a run waiting on its budget one more grace window (twice at most).
    public func extendGrace(_ key: String) throws(PortDaddyError) -> PendingKillInfo {
        let id = try resolve(key)
        guard var pending = pendingKills[id] else { throw .alreadyKilled(run: id) }
        guard pending.extensions < Self.maxExtensions else { throw .graceExhausted(run: id) }
        pending.extensions += 1
        pending.deadline += Self.millis(settings.budgetGrace)
        pendingKills[id] = pending
        return info(id, pending)
    }

    /// Waits for the run's deadline (following extensions) and kills it then, unless it was cleared or ended.
    func armDeadline(for id: String) {
        Task { [weak self] in
            while let self {
                guard let deadline = await self.pendingKills[id]?.deadline else { return }
                let wait = deadline - self.clock.nowMillis()
                if wait > 0 {
                    try? await Task.sleep(for: .milliseconds(wait))
                    continue
                }
                await self.fireDeadline(id, deadline: deadline)
                return
            }
        }
    }

    func fireDeadline(_ id: String, deadline: Int64) {
        guard let pending = pendingKills[id], pending.deadline == deadline else { return }
        pendingKills[id] = nil
        stop(id, reason: "budget")
    }

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    // MARK: panic

    /// Whether the panic switch fired.
    public var isPanicked: Bool { panic?.isPanicked == true }

    /// Fires the panic switch's effect: every run is killed (reason `panic`); their bonds are refunded as they end.
    /// Returns the runs killed.
    public func killAllForPanic() async -> [String] {
        let running = Array(live.values)
        for run in running { stop(run.info.id, reason: "panic") }
        for run in running { await ended(run) }
        pendingKills = [:]
        return running.map(\.info.id).sorted()
    }
}

/// What the guard publishes on `budget:pending`.
struct BudgetMessage: Encodable {
    var type: String
    var pending: PendingKillInfo?
    var project: String?
    var runs: [String]?

    init(type: String, pending: PendingKillInfo) {
        self.type = type
        self.pending = pending
    }

    init(type: String, project: String, runs: [String]) {
        self.type = type
        self.project = project
        self.runs = runs
    }
}
