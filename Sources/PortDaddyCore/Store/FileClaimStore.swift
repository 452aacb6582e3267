import GRDB
import PortDaddyAPI

/// The `v12-file-claims` migration: regions, symbols, fencing tokens and content hashes of file claims, whether a
/// claim was made with the user's authority, and the snapshots the watcher takes of such claims.
enum FileClaimSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE file_claims ADD COLUMN token INTEGER;
                ALTER TABLE file_claims ADD COLUMN content_hash TEXT;
                ALTER TABLE file_claims ADD COLUMN start_line INTEGER;
                ALTER TABLE file_claims ADD COLUMN end_line INTEGER;
                ALTER TABLE file_claims ADD COLUMN symbol TEXT;
                ALTER TABLE file_claims ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX file_claims_by_agent ON file_claims(agent_id, path);
                CREATE TABLE file_tokens (
                    path TEXT PRIMARY KEY NOT NULL,
                    token INTEGER NOT NULL
                );
                CREATE TABLE snapshots (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    path TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    agent_id TEXT NOT NULL,
                    before_hash TEXT,
                    after_hash TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    torn INTEGER NOT NULL DEFAULT 0,
                    has_bytes INTEGER NOT NULL DEFAULT 1,
                    at INTEGER NOT NULL,
                    used_at INTEGER NOT NULL
                );
                CREATE INDEX snapshots_by_path ON snapshots(path, id);
                """)
    }
}

/// One grant of a file claim, before the store gives it its token.
public struct FileGrant: Sendable, Equatable {
    public var region: FileRegion
    public var sessionID: String
    public var agentID: String
    public var at: Int64
    public var contentHash: String?
    /// Made with the user's authority (the Unix socket or the token): the snapshot watcher may read the file.
    public var trusted: Bool

    public init(region: FileRegion, sessionID: String, agentID: String, at: Int64, contentHash: String?, trusted: Bool) {
        self.region = region
        self.sessionID = sessionID
        self.agentID = agentID
        self.at = at
        self.contentHash = contentHash
        self.trusted = trusted
    }
}

extension SQLiteCoordinationTransaction {
    static let activeClaimsSQL = "SELECT f.* FROM file_claims f JOIN sessions s ON s.id = f.session_id WHERE s.state = 'active'"

    func activeFileClaim(_ path: String) throws -> FileClaimInfo? { try activeFileClaims(on: path).first }

    func activeFileClaims(on path: String) throws -> [FileClaimInfo] {
        try Row.fetchAll(db, sql: Self.activeClaimsSQL + " AND f.path = ? ORDER BY f.token", arguments: [path]).map(Self.fileClaim)
    }

    func activeFileClaims() throws -> [FileClaimInfo] {
        try Row.fetchAll(db, sql: Self.activeClaimsSQL + " ORDER BY f.path, f.token").map(Self.fileClaim)
    }

    func trustedActiveFileClaims() throws -> [FileClaimInfo] {
        try Row.fetchAll(db, sql: Self.activeClaimsSQL + " AND f.trusted = 1 ORDER BY f.path").map(Self.fileClaim)
    }

    func files(of session: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT path FROM file_claims WHERE session_id = ? ORDER BY path", arguments: [session])
    }

    func addFileClaim(_ grant: FileGrant) throws -> FileClaimInfo {
        let path = grant.region.path
        try db.execute(
            sql: "INSERT INTO file_tokens (path, token) VALUES (?, 1) ON CONFLICT(path) DO UPDATE SET token = token + 1", arguments: [path])
        let token = try Int64.fetchOne(db, sql: "SELECT token FROM file_tokens WHERE path = ?", arguments: [path]) ?? 1
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO file_claims
                    (path, session_id, agent_id, claimed_at, token, content_hash, start_line, end_line, symbol, trusted)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                path, grant.sessionID, grant.agentID, grant.at, token, grant.contentHash, grant.region.startLine, grant.region.endLine,
                grant.region.symbol, grant.trusted,
            ])
        return FileClaimInfo(
            path: path, sessionID: grant.sessionID, agentID: grant.agentID, claimedAt: grant.at, token: token, contentHash: grant.contentHash,
            startLine: grant.region.startLine, endLine: grant.region.endLine, symbol: grant.region.symbol)
    }

    func fileClaim(path: String, session: String) throws -> (FileClaimInfo, trusted: Bool)? {
        try Row.fetchOne(db, sql: "SELECT * FROM file_claims WHERE path = ? AND session_id = ?", arguments: [path, session]).map {
            (Self.fileClaim($0), $0["trusted"] as Bool? ?? false)
        }
    }

    func removeFileClaim(path: String, session: String) throws {
        try db.execute(sql: "DELETE FROM file_claims WHERE path = ? AND session_id = ?", arguments: [path, session])
    }

    func latestFileToken(_ path: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT token FROM file_tokens WHERE path = ?", arguments: [path])
    }

    func lastFileClaim(of agent: String, path: String) throws -> FileClaimInfo? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM file_claims WHERE agent_id = ? AND path = ? ORDER BY token DESC LIMIT 1", arguments: [agent, path]
        ).map(Self.fileClaim)
    }

    static func fileClaim(_ row: Row) -> FileClaimInfo {
        FileClaimInfo(
            path: row["path"], sessionID: row["session_id"], agentID: row["agent_id"], claimedAt: row["claimed_at"], token: row["token"],
            contentHash: row["content_hash"], startLine: row["start_line"], endLine: row["end_line"], symbol: row["symbol"])
    }
}
