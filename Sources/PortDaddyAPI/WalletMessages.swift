import Foundation

/// An amount of US dollars as the caller wrote it: a JSON string (`"0.50"`) or number (`0.5`), kept as text so the
/// daemon parses it exactly (never through a binary float).
public struct USDText: Codable, Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.text = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else {
            self.text = try container.decode(Decimal.self).description
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// A project's wallet: its balance funds bonds; its daily budget caps what its agent runs may spend in a day.
public struct WalletInfo: Codable, Sendable, Equatable {
    public var project: String
    /// Top-ups minus escrowed and slashed bonds.
    public var balance: MoneyAmount
    /// The daily budget; nil: none set (then no run of the project may launch).
    public var usdPerDay: MoneyAmount?
    /// Today's raises of the allowance (`pd wallet raise`).
    public var raisedToday: MoneyAmount
    /// What the project's runs spent since local midnight (from their cost events).
    public var spentToday: MoneyAmount
    /// The budgets of the project's runs still going (reserved at launch).
    public var reserved: MoneyAmount
    /// Today's allowance: the daily budget plus today's raises; nil without a daily budget.
    public var allowance: MoneyAmount?
    /// Bonds currently escrowed or held.
    public var escrowed: MoneyAmount

    public init(
        project: String, balance: MoneyAmount, usdPerDay: MoneyAmount?, raisedToday: MoneyAmount, spentToday: MoneyAmount, reserved: MoneyAmount,
        allowance: MoneyAmount?, escrowed: MoneyAmount
    ) {
        self.raisedToday = raisedToday
        self.project = project
        self.balance = balance
        self.usdPerDay = usdPerDay
        self.spentToday = spentToday
        self.reserved = reserved
        self.allowance = allowance
        self.escrowed = escrowed
    }
}

public struct WalletsResponse: Codable, Sendable, Equatable {
    public var wallets: [WalletInfo]
    public init(wallets: [WalletInfo]) { self.wallets = wallets }
}

/// `POST /wallets/{project}/top-up`.
public struct WalletTopUpRequest: Codable, Sendable, Equatable {
    public var usd: USDText
    public init(usd: USDText) { self.usd = usd }
}

/// `POST /wallets/{project}/budget`.
public struct WalletBudgetRequest: Codable, Sendable, Equatable {
    public var usdPerDay: USDText
    public init(usdPerDay: USDText) { self.usdPerDay = usdPerDay }
}

/// What happened to a run's bond.
public enum BondState: String, Codable, Sendable, CaseIterable {
    /// Taken from the balance while the run goes.
    case escrowed
    /// Given back: the run ended cleanly, or was stopped by the operator or the daemon.
    case refunded
    /// Partly or wholly kept by the operator (`pd bond slash`), the rest given back.
    case slashed
    /// Kept for the operator to decide: the run broke its telemetry promise or overran its own budget.
    case held
}

/// A bond escrowed for one run.
public struct BondInfo: Codable, Sendable, Equatable {
    public var id: String
    public var run: String
    public var project: String
    public var amount: MoneyAmount
    public var state: BondState
    public var slashed: MoneyAmount
    public var reason: String?
    public var createdAt: Int64
    public var settledAt: Int64?

    public init(
        id: String, run: String, project: String, amount: MoneyAmount, state: BondState, slashed: MoneyAmount, reason: String?, createdAt: Int64,
        settledAt: Int64?
    ) {
        self.id = id
        self.run = run
        self.project = project
        self.amount = amount
        self.state = state
        self.slashed = slashed
        self.reason = reason
        self.createdAt = createdAt
        self.settledAt = settledAt
    }
}

public struct BondsResponse: Codable, Sendable, Equatable {
    public var bonds: [BondInfo]
    public init(bonds: [BondInfo]) { self.bonds = bonds }
}

/// `POST /bonds/{id}/slash`: keep `portion` (0 < p ≤ 1, up to 6 decimals) of the bond, for `reason`.
public struct BondSlashRequest: Codable, Sendable, Equatable {
    public var portion: USDText
    public var reason: String
    public init(portion: USDText, reason: String) {
        self.portion = portion
        self.reason = reason
    }
}

/// A running agent whose project went over its day's allowance: it keeps going until `deadline`, unless the user
/// raises the allowance, kills it now, or extends the grace (twice at most).
public struct PendingKillInfo: Codable, Sendable, Equatable {
    public var run: String
    public var project: String
    public var spentToday: MoneyAmount
    public var allowance: MoneyAmount
    /// Milliseconds since 1970.
    public var deadline: Int64
    public var extensions: Int
    public init(run: String, project: String, spentToday: MoneyAmount, allowance: MoneyAmount, deadline: Int64, extensions: Int) {
        self.run = run
        self.project = project
        self.spentToday = spentToday
        self.allowance = allowance
        self.deadline = deadline
        self.extensions = extensions
    }
}

public struct PendingKillsResponse: Codable, Sendable, Equatable {
    public var pending: [PendingKillInfo]
    public init(pending: [PendingKillInfo]) { self.pending = pending }
}

/// `POST /wallets/pending/{run}/raise`: add to the project's allowance for today.
public struct WalletRaiseRequest: Codable, Sendable, Equatable {
    public var usd: USDText
    public init(usd: USDText) { self.usd = usd }
}

/// The panic switch: calm, armed (waiting for the confirmation), or panicked (every run killed, no spawn).
public enum PanicState: String, Codable, Sendable {
    case calm, armed, panicked
}

/// `POST /fleet/panic` (arm; with `confirm`, fire) and `POST /fleet/unpanic`.
public struct PanicRequest: Codable, Sendable, Equatable {
    public var reason: String
    public var confirm: Bool?
    public init(reason: String, confirm: Bool? = nil) {
        self.reason = reason
        self.confirm = confirm
    }
}

/// The panic switch's state, and what firing it did.
public struct PanicResponse: Codable, Sendable, Equatable {
    public var state: PanicState
    public var armed: Bool
    public var panicked: Bool
    /// When armed: the confirmation must come before this (milliseconds since 1970).
    public var confirmBy: Int64?
    public var reason: String?
    /// When fired: the runs killed and what their bonds gave back.
    public var killed: [String]?
    public var refunded: MoneyAmount?
    public init(
        state: PanicState, confirmBy: Int64? = nil, reason: String? = nil, killed: [String]? = nil, refunded: MoneyAmount? = nil
    ) {
        self.state = state
        self.armed = state == .armed
        self.panicked = state == .panicked
        self.confirmBy = confirmBy
        self.reason = reason
        self.killed = killed
        self.refunded = refunded
    }
}
