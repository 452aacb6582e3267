import Foundation
import GRDB
import PortDaddyAPI

/// One wallet's figures as the store reads them (micro-dollars).
public struct WalletFigures: Sendable, Equatable {
    public var project: String
    public var balance: Int64
    public var usdPerDay: Int64?
    /// Today's raises of the allowance (`pd wallet raise`).
    public var raisedToday: Int64
    public var spentToday: Int64
    public var reserved: Int64
    public var escrowed: Int64
}

/// Wallets, their append-only ledger (the balance is its sum), bonds and launch reservations.
public protocol WalletStore: Sendable {
    /// A wallet's figures (nil when the project has none), with spend since `dayStart` (local midnight).
    func walletFigures(_ project: String, dayStart: Int64) throws(PortDaddyError) -> WalletFigures?
    /// The same figures for any project, wallet or not (balance 0 and no daily budget without one).
    func spendFigures(_ project: String, dayStart: Int64) throws(PortDaddyError) -> WalletFigures
    func walletProjects() throws(PortDaddyError) -> [String]
    /// What the runs with exactly this identity spent since `dayStart` (micro-dollars, from their cost events).
    func identitySpend(_ identity: String, dayStart: Int64) throws(PortDaddyError) -> Int64
    /// Creates the wallet if needed and appends a ledger entry.
    func appendLedger(project: String, kind: String, micros: Int64, ref: String?, actor: String?, reason: String?, at: Int64) throws(PortDaddyError)
    /// Creates the wallet if needed and sets (or clears) its daily budget.
    func setDailyBudget(project: String, micros: Int64?, at: Int64) throws(PortDaddyError)
    func insertReservation(run: String, project: String, micros: Int64, at: Int64) throws(PortDaddyError)
    /// Deletes a run's reservation; false when it had none.
    @discardableResult func deleteReservation(run: String) throws(PortDaddyError) -> Bool
    func insertBond(_ bond: BondInfo) throws(PortDaddyError)
    func updateBond(_ bond: BondInfo) throws(PortDaddyError)
    func bond(id: String) throws(PortDaddyError) -> BondInfo?
    func bond(run: String) throws(PortDaddyError) -> BondInfo?
    func bonds(project: String?, state: BondState?, limit: Int) throws(PortDaddyError) -> [BondInfo]
}

/// Migration `v15-wallets`.
enum WalletSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE wallets (
                    project TEXT PRIMARY KEY NOT NULL,
                    usd_per_day_micros INTEGER CHECK (usd_per_day_micros >= 0),
                    created_at INTEGER NOT NULL);
                CREATE TABLE wallet_ledger (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    project TEXT NOT NULL REFERENCES wallets(project),
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    micros INTEGER NOT NULL,
                    ref TEXT,
                    actor TEXT,
                    reason TEXT);
                CREATE INDEX wallet_ledger_by_project ON wallet_ledger(project, at);
                CREATE TABLE bonds (
                    id TEXT PRIMARY KEY NOT NULL,
                    run TEXT NOT NULL UNIQUE,
                    project TEXT NOT NULL,
                    amount_micros INTEGER NOT NULL CHECK (amount_micros >= 0),
                    state TEXT NOT NULL,
                    slashed_micros INTEGER NOT NULL DEFAULT 0 CHECK (slashed_micros >= 0 AND slashed_micros <= amount_micros),
                    reason TEXT,
                    created_at INTEGER NOT NULL,
                    settled_at INTEGER);
                CREATE INDEX bonds_by_project ON bonds(project, created_at);
                CREATE TABLE reservations (
                    run TEXT PRIMARY KEY NOT NULL,
                    project TEXT NOT NULL,
                    micros INTEGER NOT NULL CHECK (micros >= 0),
                    at INTEGER NOT NULL);
                """)
    }
}

extension SQLiteStore: WalletStore {
    public func walletFigures(_ project: String, dayStart: Int64) throws(PortDaddyError) -> WalletFigures? {
        try guardedRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM wallets WHERE project = ?", arguments: [project]) else { return nil }
            return try Self.figures(db, project, usdPerDay: row["usd_per_day_micros"], dayStart: dayStart)
        }
    }

    public func spendFigures(_ project: String, dayStart: Int64) throws(PortDaddyError) -> WalletFigures {
        try guardedRead { db in
            let usdPerDay = try Int64?.fetchOne(db, sql: "SELECT usd_per_day_micros FROM wallets WHERE project = ?", arguments: [project])
            return try Self.figures(db, project, usdPerDay: usdPerDay ?? nil, dayStart: dayStart)
        }
    }

    /// A project's figures; its balance is the sum of its ledger (0 without a wallet).
    static func figures(_ db: Database, _ project: String, usdPerDay: Int64?, dayStart: Int64) throws -> WalletFigures {
        let balance = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(micros), 0) FROM wallet_ledger WHERE project = ?", arguments: [project])
        // Spend is what the project's runs' cost events say since local midnight (identity = project or project:…).
        let spent = try Int64.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(c.micros), 0) FROM cost_events c JOIN runs r ON r.id = c.run
                WHERE c.at >= ? AND (r.identity = ? OR r.identity LIKE ? ESCAPE '\\')
                """, arguments: [dayStart, project, Self.likePrefix(project)])
        let reserved = try Int64.fetchOne(
            db, sql: "SELECT COALESCE(SUM(micros), 0) FROM reservations WHERE project = ?", arguments: [project])
        let raised = try Int64.fetchOne(
            db, sql: "SELECT COALESCE(SUM(micros), 0) FROM allowance_raises WHERE project = ? AND at >= ?", arguments: [project, dayStart])
        let escrowed = try Int64.fetchOne(
            db, sql: "SELECT COALESCE(SUM(amount_micros), 0) FROM bonds WHERE project = ? AND state IN ('escrowed', 'held')",
            arguments: [project])
        return WalletFigures(
            project: project, balance: balance ?? 0, usdPerDay: usdPerDay, raisedToday: raised ?? 0, spentToday: spent ?? 0,
            reserved: reserved ?? 0,
            escrowed: escrowed ?? 0)
    }

    public func walletProjects() throws(PortDaddyError) -> [String] {
        try guardedRead { db in try String.fetchAll(db, sql: "SELECT project FROM wallets ORDER BY project") }
    }

    public func identitySpend(_ identity: String, dayStart: Int64) throws(PortDaddyError) -> Int64 {
        try guardedRead { db in
            try Int64.fetchOne(
                db, sql: "SELECT COALESCE(SUM(c.micros), 0) FROM cost_events c JOIN runs r ON r.id = c.run WHERE c.at >= ? AND r.identity = ?",
                arguments: [dayStart, identity]) ?? 0
        }
    }

    public func appendLedger(
        project: String, kind: String, micros: Int64, ref: String?, actor: String?, reason: String?, at: Int64
    ) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(sql: "INSERT OR IGNORE INTO wallets (project, created_at) VALUES (?, ?)", arguments: [project, at])
            try db.execute(
                sql: "INSERT INTO wallet_ledger (project, at, kind, micros, ref, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [project, at, kind, micros, ref, actor, reason])
        }
    }

    public func setDailyBudget(project: String, micros: Int64?, at: Int64) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(sql: "INSERT OR IGNORE INTO wallets (project, created_at) VALUES (?, ?)", arguments: [project, at])
            try db.execute(sql: "UPDATE wallets SET usd_per_day_micros = ? WHERE project = ?", arguments: [micros, project])
        }
    }

    public func insertReservation(run: String, project: String, micros: Int64, at: Int64) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: "INSERT INTO reservations (run, project, micros, at) VALUES (?, ?, ?, ?)", arguments: [run, project, micros, at])
        }
    }

    @discardableResult public func deleteReservation(run: String) throws(PortDaddyError) -> Bool {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM reservations WHERE run = ?", arguments: [run])
            return db.changesCount > 0
        }
    }

    public func insertBond(_ bond: BondInfo) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO bonds (id, run, project, amount_micros, state, slashed_micros, reason, created_at, settled_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    bond.id, bond.run, bond.project, bond.amount.micros, bond.state.rawValue, bond.slashed.micros, bond.reason, bond.createdAt,
                    bond.settledAt,
                ])
        }
    }

    public func updateBond(_ bond: BondInfo) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: "UPDATE bonds SET state = ?, slashed_micros = ?, reason = ?, settled_at = ? WHERE id = ?",
                arguments: [bond.state.rawValue, bond.slashed.micros, bond.reason, bond.settledAt, bond.id])
        }
    }

    public func bond(id: String) throws(PortDaddyError) -> BondInfo? {
        try guardedRead { db in try Row.fetchOne(db, sql: "SELECT * FROM bonds WHERE id = ?", arguments: [id]).map(Self.bond) }
    }

    public func bond(run: String) throws(PortDaddyError) -> BondInfo? {
        try guardedRead { db in try Row.fetchOne(db, sql: "SELECT * FROM bonds WHERE run = ?", arguments: [run]).map(Self.bond) }
    }

    public func bonds(project: String?, state: BondState?, limit: Int) throws(PortDaddyError) -> [BondInfo] {
        try guardedRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM bonds WHERE (? IS NULL OR project = ?) AND (? IS NULL OR state = ?)
                    ORDER BY created_at DESC, id LIMIT ?
                    """, arguments: [project, project, state?.rawValue, state?.rawValue, limit]
            ).map(Self.bond)
        }
    }

    static func bond(_ row: Row) -> BondInfo {
        BondInfo(
            id: row["id"], run: row["run"], project: row["project"], amount: MoneyAmount(micros: row["amount_micros"]),
            state: BondState(rawValue: row["state"]) ?? .held, slashed: MoneyAmount(micros: row["slashed_micros"]), reason: row["reason"],
            createdAt: row["created_at"], settledAt: row["settled_at"])
    }

    /// `project:%` for LIKE, with LIKE's wildcards in the project escaped.
    static func likePrefix(_ project: String) -> String {
        project.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            + ":%"
    }
}
