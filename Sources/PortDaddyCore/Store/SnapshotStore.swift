import GRDB
import PortDaddyAPI

/// The metadata of file snapshots (the bytes live in files under `snapshots/`, see ``SnapshotWatcher``).
public protocol SnapshotStore: Sendable {
    /// Inserts a snapshot and returns it with its id.
    func addSnapshot(_ snapshot: SnapshotInfo, usedAt: Int64) throws(PortDaddyError) -> SnapshotInfo
    /// Newest first, filtered by path and session.
    func snapshots(path: String?, session: String?, limit: Int) throws(PortDaddyError) -> [SnapshotInfo]
    func snapshot(_ id: Int64) throws(PortDaddyError) -> SnapshotInfo?
    func touchSnapshot(_ id: Int64, at: Int64) throws(PortDaddyError)
    /// Total size of the stored bytes.
    func snapshotBytes() throws(PortDaddyError) -> Int
    /// The least recently used snapshot that still has its bytes.
    func leastRecentlyUsedSnapshot() throws(PortDaddyError) -> SnapshotInfo?
    func markSnapshotEvicted(_ id: Int64) throws(PortDaddyError)
}

extension SQLiteStore: SnapshotStore {
    public func addSnapshot(_ s: SnapshotInfo, usedAt: Int64) throws(PortDaddyError) -> SnapshotInfo {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO snapshots (path, session_id, agent_id, before_hash, after_hash, size, torn, has_bytes, at, used_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [s.path, s.sessionID, s.agentID, s.before, s.after, s.size, s.torn, s.hasBytes, s.at, usedAt])
            var saved = s
            saved.id = db.lastInsertedRowID
            return saved
        }
    }

    public func snapshots(path: String?, session: String?, limit: Int) throws(PortDaddyError) -> [SnapshotInfo] {
        try guardedRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM snapshots WHERE (? IS NULL OR path = ?) AND (? IS NULL OR session_id = ?) ORDER BY id DESC LIMIT ?
                    """, arguments: [path, path, session, session, limit]
            ).map(Self.snapshot)
        }
    }

    public func snapshot(_ id: Int64) throws(PortDaddyError) -> SnapshotInfo? {
        try guardedRead { db in try Row.fetchOne(db, sql: "SELECT * FROM snapshots WHERE id = ?", arguments: [id]).map(Self.snapshot) }
    }

    public func touchSnapshot(_ id: Int64, at: Int64) throws(PortDaddyError) {
        try guardedWrite { db in try db.execute(sql: "UPDATE snapshots SET used_at = ? WHERE id = ?", arguments: [at, id]) }
    }

    public func snapshotBytes() throws(PortDaddyError) -> Int {
        try guardedRead { db in try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(size), 0) FROM snapshots WHERE has_bytes = 1") ?? 0 }
    }

    public func leastRecentlyUsedSnapshot() throws(PortDaddyError) -> SnapshotInfo? {
        try guardedRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM snapshots WHERE has_bytes = 1 ORDER BY used_at, id LIMIT 1").map(Self.snapshot)
        }
    }

    public func markSnapshotEvicted(_ id: Int64) throws(PortDaddyError) {
        try guardedWrite { db in try db.execute(sql: "UPDATE snapshots SET has_bytes = 0 WHERE id = ?", arguments: [id]) }
    }

    static func snapshot(_ row: Row) -> SnapshotInfo {
        SnapshotInfo(
            id: row["id"], path: row["path"], sessionID: row["session_id"], agentID: row["agent_id"], before: row["before_hash"],
            after: row["after_hash"], size: row["size"], torn: row["torn"], hasBytes: row["has_bytes"], at: row["at"])
    }
}
