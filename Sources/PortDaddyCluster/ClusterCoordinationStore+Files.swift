import PortDaddyAPI
import PortDaddyCore
import PostgresNIO

/// File claims and their fencing tokens. A path's token comes from `file_tokens` in the transaction of the grant,
/// which holds the cluster-wide coordination write lock: tokens grow strictly across all nodes.
extension ClusterCoordinationTransaction {
    static let activeClaims = "SELECT f.* FROM file_claims f JOIN sessions s ON s.id = f.session_id WHERE s.state = 'active'"

    func activeFileClaim(_ path: String) throws -> FileClaimInfo? { try activeFileClaims(on: path).first }

    func activeFileClaims(on path: String) throws -> [FileClaimInfo] {
        try rows("\(unescaped: Self.activeClaims) AND f.path = \(path) ORDER BY f.token", Self.fileClaim)
    }

    func activeFileClaims() throws -> [FileClaimInfo] {
        try rows("\(unescaped: Self.activeClaims) ORDER BY f.path COLLATE \"C\", f.token", Self.fileClaim)
    }

    /// Only claims of this node's agents: the snapshot watcher reads these paths from the local disk, and a path
    /// claimed on another host names a file there, not here.
    func trustedActiveFileClaims() throws -> [FileClaimInfo] {
        try rows(
            """
            \(unescaped: Self.activeClaims) AND f.trusted
            AND EXISTS (SELECT 1 FROM agents a WHERE a.id = s.agent_id AND a.node = \(node)) ORDER BY f.path COLLATE "C"
            """, Self.fileClaim)
    }

    func files(of session: String) throws -> [String] {
        try rows("SELECT path FROM file_claims WHERE session_id = \(session) ORDER BY path COLLATE \"C\"") { try $0["path"].decode(String.self) }
    }

    func addFileClaim(_ grant: FileGrant) throws -> FileClaimInfo {
        let path = grant.region.path
        let token = try row(
            """
            INSERT INTO file_tokens AS t (path, token) VALUES (\(path), 1)
            ON CONFLICT (path) DO UPDATE SET token = t.token + 1 RETURNING t.token
            """
        ) { try $0["token"].decode(Int64.self) }
        guard let token else { throw PortDaddyError.storage("cluster: no fencing token for \(path)") }
        let r = grant.region
        try tx.query(
            """
            INSERT INTO file_claims (path, session_id, agent_id, claimed_at, token, content_hash, start_line, end_line, symbol, trusted)
            VALUES (\(path), \(grant.sessionID), \(grant.agentID), \(grant.at), \(token), \(grant.contentHash), \(r.startLine), \(r.endLine),
                \(r.symbol), \(grant.trusted))
            ON CONFLICT (path, session_id) DO UPDATE SET agent_id = excluded.agent_id, claimed_at = excluded.claimed_at,
                token = excluded.token, content_hash = excluded.content_hash, start_line = excluded.start_line,
                end_line = excluded.end_line, symbol = excluded.symbol, trusted = excluded.trusted
            """)
        return FileClaimInfo(
            path: path, sessionID: grant.sessionID, agentID: grant.agentID, claimedAt: grant.at, token: token, contentHash: grant.contentHash,
            startLine: r.startLine, endLine: r.endLine, symbol: r.symbol)
    }

    func fileClaim(path: String, session: String) throws -> (FileClaimInfo, trusted: Bool)? {
        try row("SELECT * FROM file_claims WHERE path = \(path) AND session_id = \(session)") { row in
            (try Self.fileClaim(row), try row["trusted"].decode(Bool.self))
        }
    }

    func removeFileClaim(path: String, session: String) throws {
        try tx.query("DELETE FROM file_claims WHERE path = \(path) AND session_id = \(session)")
    }

    func latestFileToken(_ path: String) throws -> Int64? {
        try row("SELECT token FROM file_tokens WHERE path = \(path)") { try $0["token"].decode(Int64.self) }
    }

    func lastFileClaim(of agent: String, path: String) throws -> FileClaimInfo? {
        try row("SELECT * FROM file_claims WHERE agent_id = \(agent) AND path = \(path) ORDER BY token DESC NULLS LAST LIMIT 1", Self.fileClaim)
    }

    static func fileClaim(_ row: PostgresRandomAccessRow) throws -> FileClaimInfo {
        FileClaimInfo(
            path: try row["path"].decode(String.self), sessionID: try row["session_id"].decode(String.self),
            agentID: try row["agent_id"].decode(String.self), claimedAt: try row["claimed_at"].decode(Int64.self),
            token: try row["token"].decode(Int64?.self), contentHash: try row["content_hash"].decode(String?.self),
            startLine: try row["start_line"].decode(Int?.self), endLine: try row["end_line"].decode(Int?.self),
            symbol: try row["symbol"].decode(String?.self))
    }
}
