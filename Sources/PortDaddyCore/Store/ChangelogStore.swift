import GRDB
import PortDaddyAPI

/// Durable changelog entries.
public protocol ChangelogStore: Sendable {
    func addChange(
        identity: String, type: ChangeType, summary: String, description: String?, agent: String?, session: String?, at: Int64
    ) throws(PortDaddyError) -> ChangeEntry
    /// Entries newest first, since `since` (ms), at most `limit`.
    func changes(since: Int64, limit: Int) throws(PortDaddyError) -> [ChangeEntry]
    /// Deletes entries older than `cutoff`; returns how many.
    func pruneChanges(olderThan cutoff: Int64) throws(PortDaddyError) -> Int
}

/// The `v9-changelog` migration.
enum ChangelogSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE changelog (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    identity TEXT NOT NULL,
                    type TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    description TEXT,
                    agent TEXT,
                    session TEXT,
                    at INTEGER NOT NULL);
                CREATE INDEX changelog_by_at ON changelog(at);
                """)
    }
}

extension SQLiteStore: ChangelogStore {
    public func addChange(
        identity: String, type: ChangeType, summary: String, description: String?, agent: String?, session: String?, at: Int64
    ) throws(PortDaddyError) -> ChangeEntry {
        try guardedWrite { db in
            try db.execute(
                sql: "INSERT INTO changelog (identity, type, summary, description, agent, session, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [identity, type.rawValue, summary, description, agent, session, at])
            return ChangeEntry(
                id: db.lastInsertedRowID, identity: identity, type: type, summary: summary, description: description, agent: agent,
                session: session, at: at)
        }
    }

    public func changes(since: Int64, limit: Int) throws(PortDaddyError) -> [ChangeEntry] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM changelog WHERE at >= ? ORDER BY id DESC LIMIT ?", arguments: [since, limit]).map { row in
                ChangeEntry(
                    id: row["id"], identity: row["identity"], type: ChangeType(rawValue: row["type"]) ?? .note, summary: row["summary"],
                    description: row["description"], agent: row["agent"], session: row["session"], at: row["at"])
            }
        }
    }

    public func pruneChanges(olderThan cutoff: Int64) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM changelog WHERE at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}
