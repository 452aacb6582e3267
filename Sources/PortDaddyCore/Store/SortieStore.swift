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
    /// With a vault, the task and outcome are sealed (`enc` 1). The task is written once (a sortie's task never
    /// changes), and an update without an outcome keeps the stored one: a sortie read back while its text could not
    /// be opened must not overwrite it.
    public func saveSortie(_ sortie: SortieInfo) throws(PortDaddyError) {
        let outcome = sortie.outcome.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        try guardedWrite { db in
            let task = try ProtectedText.write(sortie.task ?? "", ref: .sortie(sortie.id, "task"), vault: vault, db: db)
            let sealedOutcome = try ProtectedText.write(outcome, ref: .sortie(sortie.id, "outcome"), vault: vault, db: db)
            try db.execute(
                sql: """
                    INSERT INTO sorties (id, name, state, run_id, harbor, task, outcome, created_at, ended_at, enc)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, state = excluded.state, run_id = excluded.run_id,
                        harbor = excluded.harbor, outcome = COALESCE(excluded.outcome, sorties.outcome), ended_at = excluded.ended_at
                    """,
                arguments: [
                    sortie.id, sortie.name, sortie.state, sortie.runID, sortie.harbor, task, sealedOutcome, sortie.createdAt,
                    sortie.endedAt, vault == nil ? 0 : 1,
                ])
        }
    }

    public func appendSortieEvent(_ sortie: String, kind: String, text: String, at: Int64) throws(PortDaddyError) -> SortieEvent {
        try guardedWrite { db in
            // Sealed: inserted empty, then given the text sealed with its id (see `addNote`).
            try db.execute(
                sql: "INSERT INTO sortie_events (sortie, at, kind, text, enc) VALUES (?, ?, ?, ?, ?)",
                arguments: [sortie, at, kind, vault == nil ? text : "", vault == nil ? 0 : 1])
            let id = db.lastInsertedRowID
            if vault != nil {
                let sealed = try ProtectedText.write(text, ref: .sortieEvent(id), vault: vault, db: db)
                try db.execute(sql: "UPDATE sortie_events SET text = ? WHERE id = ?", arguments: [sealed, id])
            }
            return SortieEvent(id: id, at: at, kind: kind, text: text)
        }
    }

    public func sortie(_ id: String) throws(PortDaddyError) -> SortieInfo? {
        try guardedRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sorties WHERE id = ?", arguments: [id]) else { return nil }
            let log = try Row.fetchAll(db, sql: "SELECT * FROM sortie_events WHERE sortie = ? ORDER BY id", arguments: [id]).map {
                sortieEvent($0, db)
            }
            var info = Self.sortieInfo(row, events: log.count)
            switch ProtectedText.read(row, "task", ref: .sortie(id, "task"), vault: vault, db: db) {
            case .success(let task): info.task = task
            case .failure(let error): info.task = ProtectedText.placeholder(error)
            }
            let outcome = try? ProtectedText.read(row, "outcome", ref: .sortie(id, "outcome"), vault: vault, db: db).get()
            info.outcome = outcome.flatMap { try? JSONDecoder().decode(SortieOutcome.self, from: Data($0.utf8)) }
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
                .map { sortieEvent($0, db) }
        }
    }

    static func sortieInfo(_ row: Row, events: Int) -> SortieInfo {
        SortieInfo(
            id: row["id"], name: row["name"], state: row["state"], runID: row["run_id"], harbor: row["harbor"], events: events,
            createdAt: row["created_at"], endedAt: row["ended_at"])
    }

    /// A log entry; one whose sealed text cannot be opened has a placeholder text.
    func sortieEvent(_ row: Row, _ db: Database) -> SortieEvent {
        let text: String
        switch ProtectedText.read(row, "text", ref: .sortieEvent(row["id"]), vault: vault, db: db) {
        case .success(let value): text = value ?? ""
        case .failure(let error): text = ProtectedText.placeholder(error)
        }
        return SortieEvent(id: row["id"], at: row["at"], kind: row["kind"], text: text)
    }
}
