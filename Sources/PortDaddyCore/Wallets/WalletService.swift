import Foundation
import PortDaddyAPI
import Synchronization

/// Project wallets: a balance that funds bonds, a daily budget that caps what the project's agent runs may spend.
///
/// A run of a project that has a wallet is launched only after `reserve`: under one lock and one transaction, the
/// project's spend today plus the budgets of its runs still going plus this run's budget must fit the daily
/// allowance, and the balance must cover the run's bond; then the budget is reserved and the bond escrowed. So any
/// number of concurrent launches can never together overshoot the allowance. `settle` at the run's end releases the
/// reservation and refunds or holds the bond — exactly once, whoever calls it. Spend is measured by the runs' cost
/// events, not debited; the wallet's money only ever backs bonds. Projects without a wallet launch as before.
public final class WalletService: Sendable {
    /// The smallest bond: 0.01 USD.
    public static let minimumBond: Int64 = 10_000

    let store: any WalletStore & BudgetGuardStore & AtomicStore
    let clock: any WallClock
    let activity: ActivityLog?
    /// Reservations, settlements and slashes are decided one at a time.
    let lock = Mutex(())
    /// Running fleets' `budget_usd_per_day`, by project (set by the fleet supervisor).
    let ceilings = Mutex<[String: Int64]>([:])

    public init(store: any WalletStore & BudgetGuardStore & AtomicStore, clock: any WallClock = SystemWallClock(), activity: ActivityLog? = nil) {
        self.store = store
        self.clock = clock
        self.activity = activity
    }

    /// The project a run's identity belongs to (its first segment), if it has one.
    public static func project(of identity: String?) -> String? {
        identity.flatMap { try? Identity(parsing: $0).project }
    }

    /// A run's bond: 10 % of its budget, at least ``minimumBond``.
    public static func bond(for budget: Int64) -> Int64 { max(minimumBond, budget / 10) }

    // MARK: reading

    public func wallet(_ raw: String) throws(PortDaddyError) -> WalletInfo {
        let project = try Self.projectName(raw)
        guard let figures = try store.walletFigures(project, dayStart: dayStart()) else {
            throw .notFound("project \(project) has no wallet; top it up first (pd wallet top-up \(project) --usd N)")
        }
        return Self.info(figures)
    }

    public func wallets() throws(PortDaddyError) -> [WalletInfo] {
        let start = dayStart()
        var all: [WalletInfo] = []
        for project in try store.walletProjects() {
            if let figures = try store.walletFigures(project, dayStart: start) { all.append(Self.info(figures)) }
        }
        return all
    }

    /// What the runs of one identity (a fleet agent's) spent since local midnight.
    public func spentToday(identity: String) throws(PortDaddyError) -> MoneyAmount {
        MoneyAmount(micros: try store.identitySpend(identity, dayStart: dayStart()))
    }

    public func bonds(project raw: String?, state: BondState?, limit: Int = 500) throws(PortDaddyError) -> [BondInfo] {
        var project: String?
        if let raw { project = try Self.projectName(raw) }
        return try store.bonds(project: project, state: state, limit: limit)
    }

    /// The bond of a run, if it has one.
    public func bondOf(run: String) throws(PortDaddyError) -> BondInfo? { try store.bond(run: run) }

    public func bond(_ id: String) throws(PortDaddyError) -> BondInfo {
        guard let bond = try store.bond(id: id) else { throw .notFound("no bond has id \(id)") }
        return bond
    }

    // MARK: the user's changes

    /// Adds money to the project's wallet (creating it).
    public func topUp(_ raw: String, usd: String, by actor: String?) throws(PortDaddyError) -> WalletInfo {
        let project = try Self.projectName(raw)
        let micros = try Money.micros(parsing: usd, field: "usd")
        guard micros > 0 else { throw .invalidRequest("a top-up must be more than 0 USD") }
        try lock.withLock { _ throws(PortDaddyError) in
            try store.appendLedger(project: project, kind: "top-up", micros: micros, ref: nil, actor: actor, reason: nil, at: clock.nowMillis())
        }
        activity?.record(.walletTopUp, actor: actor, subject: project, detail: MoneyAmount(micros: micros).usd + " USD")
        return try wallet(project)
    }

    /// Sets the project's daily budget (creating the wallet).
    public func setBudget(_ raw: String, usdPerDay: String, by actor: String?) throws(PortDaddyError) -> WalletInfo {
        let project = try Self.projectName(raw)
        let micros = try Money.micros(parsing: usdPerDay, field: "usdPerDay")
        try lock.withLock { _ throws(PortDaddyError) in try store.setDailyBudget(project: project, micros: micros, at: clock.nowMillis()) }
        activity?.record(.walletBudget, actor: actor, subject: project, detail: MoneyAmount(micros: micros).usd + " USD a day")
        return try wallet(project)
    }

    /// Keeps `portion` (0 < p ≤ 1, up to 6 decimals) of an escrowed or held bond and refunds the rest.
    public func slash(_ id: String, portion raw: String, reason: String, by actor: String?) throws(PortDaddyError) -> BondInfo {
        guard let ppm = DecimalText(raw.trimmingWhitespace()[...], allowExponent: false)?.scaledRoundingHalfUp(scale: 6, limit: 1_000_000),
            ppm > 0, raw.trimmingWhitespace().first != "-"
        else { throw .invalidRequest("portion \"\(raw)\" must be a number above 0 and at most 1 (up to 6 decimals)") }
        let why = reason.trimmingWhitespace()
        guard !why.isEmpty, why.utf8.count <= 500 else { throw .invalidRequest("a slash needs a reason of 1 to 500 bytes") }
        let slashed = try lock.withLock { _ throws(PortDaddyError) -> BondInfo in
            try store.atomically { () throws(PortDaddyError) -> BondInfo in
                guard var bond = try store.bond(id: id) else { throw PortDaddyError.notFound("no bond has id \(id)") }
                guard bond.state == .escrowed || bond.state == .held else {
                    throw PortDaddyError.invalidRequest("bond \(id) is \(bond.state.rawValue); only an escrowed or held bond can be slashed")
                }
                let kept = bond.amount.micros * ppm / 1_000_000
                let now = clock.nowMillis()
                try store.appendLedger(project: bond.project, kind: "bond-slash", micros: 0, ref: bond.id, actor: actor, reason: why, at: now)
                if bond.amount.micros > kept {
                    try store.appendLedger(
                        project: bond.project, kind: "bond-refund", micros: bond.amount.micros - kept, ref: bond.id, actor: actor, reason: why,
                        at: now)
                }
                bond.state = .slashed
                bond.slashed = MoneyAmount(micros: kept)
                bond.reason = why
                bond.settledAt = now
                try store.updateBond(bond)
                return bond
            }
        }
        activity?.record(.bondSlash, actor: actor, subject: id, detail: "\(slashed.slashed.usd) USD kept: \(why)")
        return slashed
    }

    /// Adds `usd` to the project's allowance for today (`pd wallet raise`), for `run` when given.
    public func raise(_ project: String, usd: String, run: String?, by actor: String?) throws(PortDaddyError) -> WalletInfo {
        let micros = try Money.micros(parsing: usd, field: "usd")
        guard micros > 0 else { throw .invalidRequest("a raise must be more than 0 USD") }
        _ = try wallet(project)
        try lock.withLock { _ throws(PortDaddyError) in
            try store.insertRaise(project: project, micros: micros, run: run, by: actor, at: clock.nowMillis())
        }
        activity?.record(.walletRaise, actor: actor, subject: project, detail: MoneyAmount(micros: micros).usd + " USD today")
        return try wallet(project)
    }

    /// The project's figures when it has spent its whole allowance today (nil: under it, or no wallet or budget).
    public func overAllowance(_ project: String) -> (figures: WalletFigures, allowance: Int64)? {
        let ceiling = ceiling(of: project)
        let wallet = try? store.walletFigures(project, dayStart: dayStart())
        guard let w = wallet ?? (ceiling == nil ? nil : try? store.spendFigures(project, dayStart: dayStart())),
            let (allowance, _) = try? Self.effectiveAllowance(w, ceiling: ceiling), w.spentToday >= allowance
        else { return nil }
        return (w, allowance)
    }

    /// Sets (or, with nil, clears) the daily ceiling a running fleet puts on its project: its `budget_usd_per_day`.
    public func setCeiling(_ micros: Int64?, for project: String) {
        ceilings.withLock { $0[project] = micros }
    }

    /// A project's spend today and its effective allowance (nil when neither a wallet budget nor a fleet ceiling sets one).
    public func spendToday(_ project: String) -> (spent: Int64, allowance: Int64?)? {
        guard let w = try? store.spendFigures(project, dayStart: dayStart()) else { return nil }
        return (w.spentToday, (try? Self.effectiveAllowance(w, ceiling: ceiling(of: project)))?.0)
    }

    /// The running fleet's daily ceiling on the project, if any.
    public func ceiling(of project: String) -> Int64? { ceilings.withLock { $0[project] } }

    /// Today's allowance: the daily budget plus today's raises (nil without a daily budget).
    public static func allowance(_ w: WalletFigures) -> Int64? { w.usdPerDay.map { $0 + w.raisedToday } }

    // MARK: runs

    /// Before a launch: checks the allowance and the balance and reserves the budget and the bond, atomically.
    /// A running fleet's `budget_usd_per_day` (``setCeiling(_:for:)``) caps the day's allowance too: it is the
    /// smaller of that and the wallet's daily budget (plus today's raises), and it applies to a project without a
    /// wallet (with no bond). Nil when nothing limits the run's project (no wallet, no ceiling, or no identity).
    public func reserve(run: String, identity: String?, budget: Int64) throws(PortDaddyError) -> BondInfo? {
        guard let project = Self.project(of: identity) else { return nil }
        let ceiling = ceiling(of: project)
        return try lock.withLock { _ throws(PortDaddyError) -> BondInfo? in
            try store.atomically { () throws(PortDaddyError) -> BondInfo? in
                let wallet = try store.walletFigures(project, dayStart: dayStart())
                guard wallet != nil || ceiling != nil else { return nil }
                let w: WalletFigures
                if let wallet { w = wallet } else { w = try store.spendFigures(project, dayStart: dayStart()) }
                let (allowance, limit) = try Self.effectiveAllowance(w, ceiling: ceiling)
                guard w.spentToday + w.reserved + budget <= allowance else {
                    let (spent, held, asked, cap) = (
                        MoneyAmount(micros: w.spentToday).usd, MoneyAmount(micros: w.reserved).usd, MoneyAmount(micros: budget).usd,
                        MoneyAmount(micros: allowance).usd
                    )
                    throw PortDaddyError.budgetExceeded(
                        "project \(project): spent today \(spent) + reserved for running agents \(held) + this run's budget \(asked) "
                            + "is more than \(limit) \(cap) USD")
                }
                let now = clock.nowMillis()
                try store.insertReservation(run: run, project: project, micros: budget, at: now)
                guard wallet != nil else { return nil }
                let amount = Self.bond(for: budget)
                guard w.balance >= amount else {
                    throw PortDaddyError.walletInsufficient(
                        "project \(project)'s wallet holds \(MoneyAmount(micros: w.balance).usd) USD; this run's bond is "
                            + "\(MoneyAmount(micros: amount).usd) USD (pd wallet top-up \(project) --usd N)")
                }
                let bond = BondInfo(
                    id: "bond-" + Secret.hex(bytes: 5), run: run, project: project, amount: MoneyAmount(micros: amount), state: .escrowed,
                    slashed: MoneyAmount(micros: 0), reason: nil, createdAt: now, settledAt: nil)
                try store.insertBond(bond)
                try store.appendLedger(project: project, kind: "bond-escrow", micros: -amount, ref: bond.id, actor: nil, reason: run, at: now)
                return bond
            }
        }
    }

    /// Today's allowance and the name of the limit that sets it: the smaller of the wallet's daily budget and the
    /// fleet's ceiling, plus today's raises. Neither → `BUDGET_REQUIRED`.
    static func effectiveAllowance(_ w: WalletFigures, ceiling: Int64?) throws(PortDaddyError) -> (Int64, String) {
        switch (w.usdPerDay, ceiling) {
        case (nil, nil):
            throw .budgetRequired(
                "project \(w.project) has a wallet but no daily budget: set one with pd wallet budget \(w.project) --usd-per-day N")
        case (let daily?, let fleet?) where fleet < daily: return (fleet + w.raisedToday, "the fleet's budget_usd_per_day")
        case (let daily?, _): return (daily + w.raisedToday, "the daily allowance")
        case (nil, let fleet?): return (fleet + w.raisedToday, "the fleet's budget_usd_per_day")
        }
    }

    /// At a run's end (or when its launch failed): releases its reservation, and refunds its escrowed bond — or, with
    /// `hold`, keeps it for the operator. A second call for the same run changes nothing. Returns the bond, if any.
    @discardableResult
    public func settle(run: String, hold: Bool, reason: String) -> BondInfo? {
        let settled = try? lock.withLock { _ throws(PortDaddyError) -> BondInfo? in
            try store.atomically { () throws(PortDaddyError) -> BondInfo? in
                try store.deleteReservation(run: run)
                guard var bond = try store.bond(run: run), bond.state == .escrowed else { return nil }
                let now = clock.nowMillis()
                bond.reason = reason
                bond.settledAt = now
                if hold {
                    bond.state = .held
                } else {
                    bond.state = .refunded
                    try store.appendLedger(
                        project: bond.project, kind: "bond-refund", micros: bond.amount.micros, ref: bond.id, actor: nil, reason: reason, at: now)
                }
                try store.updateBond(bond)
                return bond
            }
        }
        return settled ?? nil
    }

    // MARK: helpers

    /// Local midnight today, in milliseconds: "today" is the daemon's calendar day.
    func dayStart() -> Int64 {
        let now = Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000)
        return Int64(Calendar.current.startOfDay(for: now).timeIntervalSince1970 * 1000)
    }

    /// A project name (one identity segment), checked.
    public static func projectName(_ raw: String) throws(PortDaddyError) -> String {
        let identity: Identity
        do { identity = try Identity(parsing: raw) } catch { throw .invalidIdentity(error.description) }
        guard identity.segments.count == 1 else { throw .invalidIdentity("a wallet belongs to a project: \"\(raw)\" has more than one segment") }
        return identity.project
    }

    static func info(_ w: WalletFigures) -> WalletInfo {
        WalletInfo(
            project: w.project, balance: MoneyAmount(micros: w.balance), usdPerDay: w.usdPerDay.map(MoneyAmount.init(micros:)),
            raisedToday: MoneyAmount(micros: w.raisedToday), spentToday: MoneyAmount(micros: w.spentToday), reserved: MoneyAmount(micros: w.reserved),
            allowance: allowance(w).map(MoneyAmount.init(micros:)), escrowed: MoneyAmount(micros: w.escrowed))
    }
}
