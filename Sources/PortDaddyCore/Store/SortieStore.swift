import Foundation
import GRDB
import PortDaddyAPI

/// Durable sorties: the mission row (task, state, outcome) and its append-only event log.
public protocol SortieStore: Sendable {
    /// Inserts or updates the sortie (task and outcome from the value; `events` and `log` are derived, and kept).
    func saveSortie(_ sortie: SortieInfo) throws(PortDaddyError)
    /// Appends to a sortie's log and returns the entry.
    func appendSortieEvent(_ sortie: String, kind: String, text: String, at: Int64) throws(PortDaddyError) -> SortieEvent
    /// One sortie with its task, outcome and log, or nil.
    func sortie(_ id: String) throws(PortDaddyError) -> SortieInfo?
    /// Sorties newest first, without task, outcome or log.
    func sorties(state: String?, limit: Int) throws(PortDaddyError) -> [SortieInfo]
    /// A sortie's log entries after `cursor`.
    func sortieEvents(_ id: String, after cursor: Int64) throws(PortDaddyError) -> [SortieEvent]
}

extension SQLiteStore: SortieStore {
    public func saveSortie(_ sortie: SortieInfo) throws(PortDaddyError) {
        let outcome = sortie.outcome.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        try guardedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO sorties (id, name, state, run_id, harbor, task, outcome, created_at, ended_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, state = excluded.state, run_id = excluded.run_id,
                        harbor = excluded.harbor, task = excluded.task, outcome = excluded.outcome, ended_at = excluded.ended_at
                    """,
                arguments: [
                    sortie.id, sortie.name, sortie.state, sortie.runID, sortie.harbor, sortie.task ?? "", outcome, sortie.createdAt,
                    sortie.endedAt,
                ])
        }
    }

    public func appendSortieEvent(_ sortie: String, kind: String, text: String, at: Int64) throws(PortDaddyError) -> SortieEvent {
        try guardedWrite { db in
            try db.execute(sql: "INSERT INTO sortie_events (sortie, at, kind, text) VALUES (?, ?, ?, ?)", arguments: [sortie, at, kind, text])
            return SortieEvent(id: db.lastInsertedRowID, at: at, kind: kind, text: text)
        }
    }

    public func sortie(_ id: String) throws(PortDaddyError) -> SortieInfo? {
        try guardedRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sorties WHERE id = ?", arguments: [id]) else { return nil }
            let log = try Row.fetchAll(db, sql: "SELECT * FROM sortie_events WHERE sortie = ? ORDER BY id", arguments: [id]).map(Self.sortieEvent)
            var info = Self.sortieInfo(row, events: log.count)
            info.task = row["task"]
            info.outcome = (row["outcome"] as String?).flatMap { try? JSONDecoder().decode(SortieOutcome.self, from: Data($0.utf8)) }
            info.log = log
            return info
        }
    }

    public func sorties(state: String?, limit: Int) throws(PortDaddyError) -> [SortieInfo] {
        try guardedRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, (SELECT COUNT(*) FROM sortie_events e WHERE e.sortie = s.id) AS events FROM sorties s
                    WHERE ? IS NULL OR s.state = ? ORDER BY s.created_at DESC, s.id LIMIT ?
                    """, arguments: [state, state, limit]
            ).map { Self.sortieInfo($0, events: $0["events"]) }
        }
    }

    public func sortieEvents(_ id: String, after cursor: Int64) throws(PortDaddyError) -> [SortieEvent] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sortie_events WHERE sortie = ? AND id > ? ORDER BY id", arguments: [id, cursor])
                .map(Self.sortieEvent)
        }
    }

    static func sortieInfo(_ row: Row, events: Int) -> SortieInfo {
        SortieInfo(
            id: row["id"], name: row["name"], state: row["state"], runID: row["run_id"], harbor: row["harbor"], events: events,
            createdAt: row["created_at"], endedAt: row["ended_at"])
    }

    static func sortieEvent(_ row: Row) -> SortieEvent {
        SortieEvent(id: row["id"], at: row["at"], kind: row["kind"], text: row["text"])
    }
}
