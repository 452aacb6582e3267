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
    /// What the project's runs spent since local midnight (from their cost events).
    public var spentToday: MoneyAmount
    /// The budgets of the project's runs still going (reserved at launch).
    public var reserved: MoneyAmount
    /// Today's allowance (the daily budget); nil without one.
    public var allowance: MoneyAmount?
    /// Bonds currently escrowed or held.
    public var escrowed: MoneyAmount

    public init(
        project: String, balance: MoneyAmount, usdPerDay: MoneyAmount?, spentToday: MoneyAmount, reserved: MoneyAmount, allowance: MoneyAmount?,
        escrowed: MoneyAmount
    ) {
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
