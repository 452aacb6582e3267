import GRDB
import PortDaddyAPI

/// Durable episodes, and the counts the memory model reports.
public protocol EpisodeStore: Sendable {
    func addEpisode(_ episode: Episode) throws(PortDaddyError) -> Episode
    /// Episodes newest first, filtered by project and type, since `since` ms.
    func episodes(project: String?, type: EpisodeType?, since: Int64, limit: Int) throws(PortDaddyError) -> [Episode]
    func episodeStats(project: String?) throws(PortDaddyError) -> EpisodeStats
    func pruneEpisodes(olderThan cutoff: Int64) throws(PortDaddyError) -> Int
    /// `COUNT(*)` of each memory construct at `now` (see ``MemoryTiers``).
    func memoryCounts(now: Int64, recentSince: Int64) throws(PortDaddyError) -> [String: Int]
}

/// The `v11-episodes` migration.
enum EpisodeSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE episodes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    project TEXT,
                    identity TEXT,
                    type TEXT NOT NULL CHECK (type IN ('handoff', 'finding', 'blocker', 'outcome')),
                    text TEXT NOT NULL,
                    source TEXT NOT NULL,
                    agent TEXT,
                    session TEXT,
                    at INTEGER NOT NULL);
                CREATE INDEX episodes_by_at ON episodes(at);
                CREATE INDEX episodes_by_project ON episodes(project, at);
                """)
    }
}

extension SQLiteStore: EpisodeStore {
    public func addEpisode(_ e: Episode) throws(PortDaddyError) -> Episode {
        try guardedWrite { db in
            // Sealed: inserted empty, then given the text sealed with its id (see `addNote`).
            try db.execute(
                sql: "INSERT INTO episodes (project, identity, type, text, source, agent, session, at, enc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    e.project, e.identity, e.type.rawValue, vault == nil ? e.text : "", e.source, e.agent, e.session, e.at, vault == nil ? 0 : 1,
                ])
            var saved = e
            let id = db.lastInsertedRowID
            saved.id = id
            if vault != nil {
                // Sealing may insert the scope's data key: the id was taken before.
                let sealed = try ProtectedText.write(e.text, ref: .episode(id), vault: vault, db: db)
                try db.execute(sql: "UPDATE episodes SET text = ? WHERE id = ?", arguments: [sealed, id])
            }
            return saved
        }
    }

    public func episodes(project: String?, type: EpisodeType?, since: Int64, limit: Int) throws(PortDaddyError) -> [Episode] {
        try guardedRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM episodes WHERE at >= ? AND (? IS NULL OR project = ?) AND (? IS NULL OR type = ?)
                    ORDER BY id DESC LIMIT ?
                    """, arguments: [since, project, project, type?.rawValue, type?.rawValue, limit]
            ).map { try episode($0, db) }
        }
    }

    public func episodeStats(project: String?) throws(PortDaddyError) -> EpisodeStats {
        try guardedRead { db in
            var byType: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT type, COUNT(*) AS n FROM episodes WHERE ? IS NULL OR project = ? GROUP BY type", arguments: [project, project])
            {
                byType[row["type"]] = row["n"]
            }
            let span = try Row.fetchOne(
                db, sql: "SELECT MIN(at) AS oldest, MAX(at) AS newest FROM episodes WHERE ? IS NULL OR project = ?", arguments: [project, project])
            // Ended sessions of the project (by the session's identity, else its agent's).
            let scope = """
                FROM sessions s LEFT JOIN agents a ON a.id = s.agent_id
                WHERE s.state IN ('completed', 'abandoned', 'salvage', 'salvaged')
                  AND (? IS NULL OR COALESCE(s.identity, a.identity) = ? OR COALESCE(s.identity, a.identity) LIKE ? || ':%')
                """
            let ended = try Int.fetchOne(db, sql: "SELECT COUNT(*) " + scope, arguments: [project, project, project]) ?? 0
            let covered =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) " + scope + " AND EXISTS (SELECT 1 FROM episodes e WHERE e.session = s.id)",
                    arguments: [project, project, project]) ?? 0
            return EpisodeStats(
                byType: byType, oldest: span?["oldest"], newest: span?["newest"], endedSessions: ended, sessionsWithEpisodes: covered,
                coverage: ended == 0 ? 0 : Double(covered) / Double(ended))
        }
    }

    public func pruneEpisodes(olderThan cutoff: Int64) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM episodes WHERE at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    public func memoryCounts(now: Int64, recentSince: Int64) throws(PortDaddyError) -> [String: Int] {
        try guardedRead { db in
            var counts: [String: Int] = [:]
            for construct in MemoryTiers.constructs {
                let arguments: StatementArguments =
                    switch construct.bind {
                    case .nothing: []
                    case .now: [now]
                    case .recent: [recentSince]
                    }
                counts[construct.name] = try Int.fetchOne(db, sql: construct.count, arguments: arguments) ?? 0
            }
            return counts
        }
    }

    /// An episode; one whose sealed text cannot be opened has a placeholder text.
    func episode(_ row: Row, _ db: Database) throws -> Episode {
        let text: String
        switch ProtectedText.read(row, "text", ref: .episode(row["id"]), vault: vault, db: db) {
        case .success(let value): text = value ?? ""
        case .failure(let error): text = ProtectedText.placeholder(error)
        }
        return Episode(
            id: row["id"], project: row["project"], identity: row["identity"], type: EpisodeType(rawValue: row["type"]) ?? .finding,
            text: text, source: row["source"], agent: row["agent"], session: row["session"], at: row["at"])
    }
}
