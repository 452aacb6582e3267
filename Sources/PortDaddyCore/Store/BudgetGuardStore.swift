import Foundation
import GRDB
import PortDaddyAPI

/// The panic switch as stored (one row).
public struct PanicRecord: Sendable, Equatable {
    public var state: PanicState
    public var armedAt: Int64?
    public var confirmBy: Int64?
    public var reason: String?
    public var by: String?
    public var changedAt: Int64
}

/// Raises of a day's allowance and the panic switch.
public protocol BudgetGuardStore: Sendable {
    func insertRaise(project: String, micros: Int64, run: String?, by: String?, at: Int64) throws(PortDaddyError)
    func panicRecord() throws(PortDaddyError) -> PanicRecord
    func savePanic(_ record: PanicRecord) throws(PortDaddyError)
}

/// Migration `v16-budget-guard`.
enum BudgetGuardSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE allowance_raises (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    project TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    micros INTEGER NOT NULL CHECK (micros > 0),
                    run TEXT,
                    by TEXT);
                CREATE INDEX allowance_raises_by_project ON allowance_raises(project, at);
                CREATE TABLE panic (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    state TEXT NOT NULL,
                    armed_at INTEGER,
                    confirm_by INTEGER,
                    reason TEXT,
                    by TEXT,
                    changed_at INTEGER NOT NULL);
                """)
    }
}

extension SQLiteStore: BudgetGuardStore {
    public func insertRaise(project: String, micros: Int64, run: String?, by: String?, at: Int64) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: "INSERT INTO allowance_raises (project, at, micros, run, by) VALUES (?, ?, ?, ?, ?)", arguments: [project, at, micros, run, by])
        }
    }

    public func panicRecord() throws(PortDaddyError) -> PanicRecord {
        try guardedRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM panic WHERE id = 1") else {
                return PanicRecord(state: .calm, armedAt: nil, confirmBy: nil, reason: nil, by: nil, changedAt: 0)
            }
            return PanicRecord(
                state: PanicState(rawValue: row["state"]) ?? .calm, armedAt: row["armed_at"], confirmBy: row["confirm_by"], reason: row["reason"],
                by: row["by"], changedAt: row["changed_at"])
        }
    }

    public func savePanic(_ record: PanicRecord) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO panic (id, state, armed_at, confirm_by, reason, by, changed_at) VALUES (1, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET state = excluded.state, armed_at = excluded.armed_at, confirm_by = excluded.confirm_by,
                    reason = excluded.reason, by = excluded.by, changed_at = excluded.changed_at
                    """,
                arguments: [record.state.rawValue, record.armedAt, record.confirmBy, record.reason, record.by, record.changedAt])
        }
    }
}
