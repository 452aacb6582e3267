import GRDB
import PortDaddyAPI

/// Durable channel declarations, per repository.
public protocol ChannelDeclarationStore: Sendable {
    /// Inserts or updates the declaration of `logical` in `repo` in one transaction. `aliases` replaces the old ones
    /// (left as they are when `nil`), `description` too (`""` clears it). Throws `INVALID_REQUEST`, changing
    /// nothing, when the logical name or an alias already names another declaration of the repository. Returns the
    /// declaration and whether it is new.
    func upsertDeclaration(
        repo: String, logical: String, scope: ChannelScope, aliases: [String]?, description: String?, by agent: String?, at millis: Int64
    ) throws(PortDaddyError) -> (declaration: ChannelDeclarationInfo, created: Bool)
    /// The declarations of `repo` (of every repository when `nil`), by repository and logical name.
    func declarations(repo: String?) throws(PortDaddyError) -> [ChannelDeclarationInfo]
}

/// The `v13-channel-declarations` migration: declared channels and their aliases, and the inbox's read state
/// moved from `inbox_reads` onto the consumer cursors (consumer `inbox:<agent>` on the channel `inbox:<agent>`).
enum ChannelDeclarationSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE channel_declarations (
                    repo TEXT NOT NULL,
                    logical TEXT NOT NULL,
                    scope TEXT NOT NULL CHECK (scope IN ('branch', 'worktree', 'repo', 'global')),
                    description TEXT,
                    created_by TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (repo, logical));
                CREATE TABLE channel_aliases (
                    repo TEXT NOT NULL,
                    alias TEXT NOT NULL,
                    logical TEXT NOT NULL,
                    PRIMARY KEY (repo, alias),
                    FOREIGN KEY (repo, logical) REFERENCES channel_declarations(repo, logical) ON DELETE CASCADE);
                INSERT INTO consumer_cursors (consumer, channel_pattern, last_id, updated_at)
                    SELECT 'inbox:' || agent_id, 'inbox:' || agent_id, read_upto, CAST(strftime('%s', 'now') AS INTEGER) * 1000
                    FROM inbox_reads WHERE true
                    ON CONFLICT(consumer, channel_pattern) DO UPDATE SET last_id = MAX(last_id, excluded.last_id);
                DROP TABLE inbox_reads;
                """)
    }
}

extension SQLiteStore: ChannelDeclarationStore {
    public func upsertDeclaration(
        repo: String, logical: String, scope: ChannelScope, aliases: [String]?, description: String?, by agent: String?, at millis: Int64
    ) throws(PortDaddyError) -> (declaration: ChannelDeclarationInfo, created: Bool) {
        try guardedWrite { db in
            for name in [logical] + (aliases ?? []) {
                let owner =
                    try String.fetchOne(
                        db, sql: "SELECT logical FROM channel_aliases WHERE repo = ? AND alias = ? AND logical != ?",
                        arguments: [repo, name, logical])
                    ?? (name == logical
                        ? nil
                        : String.fetchOne(
                            db, sql: "SELECT logical FROM channel_declarations WHERE repo = ? AND logical = ?", arguments: [repo, name]))
                if let owner {
                    throw PortDaddyError.invalidRequest("\(name) already names the declared channel \(owner) in this repository")
                }
            }
            let existed =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM channel_declarations WHERE repo = ? AND logical = ?", arguments: [repo, logical]) ?? false
            try db.execute(
                sql: """
                    INSERT INTO channel_declarations (repo, logical, scope, description, created_by, created_at, updated_at)
                    VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?)
                    ON CONFLICT(repo, logical) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at,
                        description = CASE WHEN ? IS NULL THEN description ELSE excluded.description END
                    """, arguments: [repo, logical, scope.rawValue, description, agent, millis, millis, description])
            if let aliases {
                try db.execute(sql: "DELETE FROM channel_aliases WHERE repo = ? AND logical = ?", arguments: [repo, logical])
                for alias in aliases {
                    try db.execute(
                        sql: "INSERT INTO channel_aliases (repo, alias, logical) VALUES (?, ?, ?)", arguments: [repo, alias, logical])
                }
            }
            guard let stored = try Self.declarations(db, repo: repo, logical: logical).first else {
                throw PortDaddyError.storage("the declaration of \(logical) was not stored")
            }
            return (stored, !existed)
        }
    }

    public func declarations(repo: String?) throws(PortDaddyError) -> [ChannelDeclarationInfo] {
        try guardedRead { db in try Self.declarations(db, repo: repo, logical: nil) }
    }

    static func declarations(_ db: Database, repo: String?, logical: String?) throws -> [ChannelDeclarationInfo] {
        let filter = "(? IS NULL OR repo = ?) AND (? IS NULL OR logical = ?)"
        let arguments: StatementArguments = [repo, repo, logical, logical]
        var aliases: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM channel_aliases WHERE \(filter) ORDER BY alias", arguments: arguments) {
            aliases[(row["repo"] as String) + "\n" + (row["logical"] as String), default: []].append(row["alias"])
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM channel_declarations WHERE \(filter) ORDER BY repo, logical", arguments: arguments)
            .map { row in
                let repo: String = row["repo"]
                let logical: String = row["logical"]
                return ChannelDeclarationInfo(
                    repo: repo, logical: logical, scope: ChannelScope(rawValue: row["scope"]) ?? .global,
                    aliases: aliases[repo + "\n" + logical] ?? [], description: row["description"], createdBy: row["created_by"],
                    createdAt: row["created_at"], updatedAt: row["updated_at"])
            }
    }
}
