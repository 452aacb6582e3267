import Foundation
import GRDB
import PortDaddyAPI

/// A stored trail: `(harbor, kind, id, key) → (v0, t0, halfLife)`; its value is decayed when read.
public struct PheromoneRow: Sendable, Equatable {
    public var harbor: String
    public var kind: String
    public var id: String
    public var key: String
    public var v0: Double
    public var t0: Int64
    public var halfLifeMillis: Int64

    public init(harbor: String, kind: String, id: String, key: String, v0: Double, t0: Int64, halfLifeMillis: Int64) {
        self.harbor = harbor
        self.kind = kind
        self.id = id
        self.key = key
        self.v0 = v0
        self.t0 = t0
        self.halfLifeMillis = halfLifeMillis
    }

    /// `v0 · 2^−((now − t0) / halfLife)`.
    public func value(at now: Int64) -> Double {
        let age = Double(max(0, now - t0))
        return v0 * Foundation.pow(2, -age / Double(halfLifeMillis))
    }
}

/// Durable pheromones. Nothing rewrites rows on a timer: a spray replaces one row, the reaper deletes faded ones.
public protocol PheromoneStore: Sendable {
    /// Reads the row (nil when absent), lets `change` compute the new one, and writes it, in one transaction.
    func updatePheromone(
        harbor: String, kind: String, id: String, key: String, _ change: (PheromoneRow?) -> PheromoneRow
    ) throws(PortDaddyError) -> PheromoneRow
    /// Rows, filtered by whatever is given.
    func pheromoneRows(harbor: String?, kind: String?, id: String?) throws(PortDaddyError) -> [PheromoneRow]
    func deletePheromones(_ rows: [PheromoneRow]) throws(PortDaddyError)
}

extension SQLiteStore: PheromoneStore {
    public func updatePheromone(
        harbor: String, kind: String, id: String, key: String, _ change: (PheromoneRow?) -> PheromoneRow
    ) throws(PortDaddyError) -> PheromoneRow {
        try guardedWrite { db in
            let old = try Row.fetchOne(
                db, sql: "SELECT * FROM pheromones WHERE harbor = ? AND kind = ? AND id = ? AND key = ?", arguments: [harbor, kind, id, key]
            ).map(Self.pheromone)
            let new = change(old)
            try db.execute(
                sql: """
                    INSERT INTO pheromones (harbor, kind, id, key, v0, t0, half_life_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(harbor, kind, id, key) DO UPDATE SET v0 = excluded.v0, t0 = excluded.t0, half_life_ms = excluded.half_life_ms
                    """, arguments: [new.harbor, new.kind, new.id, new.key, new.v0, new.t0, new.halfLifeMillis])
            return new
        }
    }

    public func pheromoneRows(harbor: String?, kind: String?, id: String?) throws(PortDaddyError) -> [PheromoneRow] {
        try guardedRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM pheromones WHERE (? IS NULL OR harbor = ?) AND (? IS NULL OR kind = ?) AND (? IS NULL OR id = ?)
                    ORDER BY harbor, kind, id, key
                    """, arguments: [harbor, harbor, kind, kind, id, id]
            ).map(Self.pheromone)
        }
    }

    public func deletePheromones(_ rows: [PheromoneRow]) throws(PortDaddyError) {
        guard !rows.isEmpty else { return }
        try guardedWrite { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM pheromones WHERE harbor = ? AND kind = ? AND id = ? AND key = ? AND t0 = ?")
            for row in rows { try delete.execute(arguments: [row.harbor, row.kind, row.id, row.key, row.t0]) }
        }
    }

    static func pheromone(_ row: Row) -> PheromoneRow {
        PheromoneRow(
            harbor: row["harbor"], kind: row["kind"], id: row["id"], key: row["key"], v0: row["v0"], t0: row["t0"],
            halfLifeMillis: row["half_life_ms"])
    }
}
