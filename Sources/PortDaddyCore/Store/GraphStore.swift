import GRDB
import PortDaddyAPI

/// Where a durable edge's project comes from: an identity, or the identity of a session or an agent (the
/// session's own, else its agent's), looked up where the edge is written.
public enum GraphProjectSource: Sendable, Equatable {
    case identity(String?)
    case session(String)
    case agent(String)
}

/// The durable edges of the coordination graph, and the files each session has claimed (so a pair of files is
/// counted once per session).
public protocol GraphStore: Sendable {
    /// Adds 1 to the edge `kind` `from` → `to` (creating it with the project of `project`), last seen `at`.
    func bumpEdge(_ kind: GraphEdgeKind, from: String, to: String, project: GraphProjectSource, at: Int64) throws(PortDaddyError)
    /// Remembers `paths` as claimed in `session`; each path new to the session adds 1 to its `co-claimed` edge with
    /// every file the session claimed before it, up to `limit` files per session. Returns the pairs counted.
    func recordCoClaims(session: String, paths: [String], at: Int64, limit: Int) throws(PortDaddyError) -> Int
    /// Edges with an end in `nodes` (node ids), of `kinds` when given.
    func edges(touching nodes: Set<String>, kinds: Set<GraphEdgeKind>?) throws(PortDaddyError) -> [GraphEdge]
    /// Edges heaviest first (then newest), of `kind` and `project` when given, at most `limit`.
    func edges(kind: GraphEdgeKind?, project: String?, limit: Int) throws(PortDaddyError) -> [GraphEdge]
    /// Edges counted by kind, of `project` when given.
    func edgeCounts(project: String?) throws(PortDaddyError) -> [String: Int]
    /// Deletes edges (and sessions' file lists) last seen before `cutoff`. Returns the edges deleted.
    func pruneEdges(olderThan cutoff: Int64) throws(PortDaddyError) -> Int
}

/// The `v14-graph` migration.
enum GraphSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE graph_edges (
                    kind TEXT NOT NULL,
                    source TEXT NOT NULL,
                    target TEXT NOT NULL,
                    weight INTEGER NOT NULL CHECK (weight > 0),
                    project TEXT,
                    first_at INTEGER NOT NULL,
                    last_at INTEGER NOT NULL,
                    PRIMARY KEY (kind, source, target));
                CREATE INDEX graph_edges_source ON graph_edges(source);
                CREATE INDEX graph_edges_target ON graph_edges(target);
                CREATE INDEX graph_edges_last_at ON graph_edges(last_at);
                CREATE TABLE graph_session_files (
                    session TEXT NOT NULL,
                    path TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (session, path));
                CREATE INDEX graph_session_files_at ON graph_session_files(at);
                """)
    }
}

extension SQLiteStore: GraphStore {
    public func bumpEdge(_ kind: GraphEdgeKind, from: String, to: String, project: GraphProjectSource, at: Int64) throws(PortDaddyError) {
        try guardedWrite { db in try Self.bump(kind, from, to, project: try Self.project(of: project, db), at: at, db) }
    }

    public func recordCoClaims(session: String, paths: [String], at: Int64, limit: Int) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            var known = try String.fetchAll(db, sql: "SELECT path FROM graph_session_files WHERE session = ? ORDER BY at, path", arguments: [session])
            var seen = Set(known)
            let project = try Self.project(of: .session(session), db)
            var pairs = 0
            for path in paths where !seen.contains(path) && known.count < limit {
                for other in known {
                    let (a, b) = path < other ? (path, other) : (other, path)
                    try Self.bump(
                        .coClaimed, GraphNode(.file, a).id, GraphNode(.file, b).id, project: project, at: at, db)
                    pairs += 1
                }
                try db.execute(sql: "INSERT INTO graph_session_files (session, path, at) VALUES (?, ?, ?)", arguments: [session, path, at])
                known.append(path)
                seen.insert(path)
            }
            return pairs
        }
    }

    public func edges(touching nodes: Set<String>, kinds: Set<GraphEdgeKind>?) throws(PortDaddyError) -> [GraphEdge] {
        guard !nodes.isEmpty else { return [] }
        return try guardedRead { db in
            var found: [GraphEdge] = []
            // Bounded batches: SQLite limits the number of bound values per statement.
            let all = nodes.sorted()
            for start in stride(from: 0, to: all.count, by: 200) {
                let batch = Array(all[start..<min(start + 200, all.count)])
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ", ")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM graph_edges WHERE source IN (\(marks)) OR target IN (\(marks))",
                    arguments: StatementArguments(batch + batch))
                found += rows.compactMap(Self.edge).filter { kinds?.contains($0.kind) ?? true }
            }
            return found
        }
    }

    public func edges(kind: GraphEdgeKind?, project: String?, limit: Int) throws(PortDaddyError) -> [GraphEdge] {
        try guardedRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM graph_edges WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR project = ?)
                    ORDER BY weight DESC, last_at DESC, source, target LIMIT ?
                    """, arguments: [kind?.rawValue, kind?.rawValue, project, project, limit]
            ).compactMap(Self.edge)
        }
    }

    public func edgeCounts(project: String?) throws(PortDaddyError) -> [String: Int] {
        try guardedRead { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT kind, COUNT(*) AS n FROM graph_edges WHERE ? IS NULL OR project = ? GROUP BY kind", arguments: [project, project])
            {
                counts[row["kind"]] = row["n"]
            }
            return counts
        }
    }

    public func pruneEdges(olderThan cutoff: Int64) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM graph_session_files WHERE at < ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM graph_edges WHERE last_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    static func bump(_ kind: GraphEdgeKind, _ from: String, _ to: String, project: String?, at: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO graph_edges (kind, source, target, weight, project, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?, ?)
                ON CONFLICT (kind, source, target) DO UPDATE SET
                    weight = weight + 1, project = COALESCE(project, excluded.project), last_at = MAX(last_at, excluded.last_at)
                """, arguments: [kind.rawValue, from, to, project, at, at])
    }

    /// The project (first identity segment, lowercased) of an identity, a session or an agent.
    static func project(of source: GraphProjectSource, _ db: Database) throws -> String? {
        let identity: String? =
            switch source {
            case .identity(let identity): identity
            case .session(let id):
                try String.fetchOne(
                    db, sql: "SELECT COALESCE(s.identity, a.identity) FROM sessions s LEFT JOIN agents a ON a.id = s.agent_id WHERE s.id = ?",
                    arguments: [id])
            case .agent(let id): try String.fetchOne(db, sql: "SELECT identity FROM agents WHERE id = ?", arguments: [id])
            }
        return identity?.split(separator: ":").first.map { $0.lowercased() }
    }

    static func edge(_ row: Row) -> GraphEdge? {
        guard let kind = GraphEdgeKind(rawValue: row["kind"]) else { return nil }
        return GraphEdge(from: row["source"], to: row["target"], kind: kind, weight: row["weight"], at: row["last_at"])
    }
}
