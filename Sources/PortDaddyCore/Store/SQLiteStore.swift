import Foundation
import GRDB
import PortDaddyAPI

/// The claim registry in SQLite, through GRDB: WAL, `synchronous=NORMAL`, versioned migrations.
///
/// `synchronous=NORMAL` in WAL mode survives a crash of the daemon; a power loss may lose the last commits.
public final class SQLiteStore: ClaimStore {
    let pool: DatabasePool
    /// Claim and lock writes go through group commit (one transaction for what concurrent callers queued).
    let committer: GroupCommitter
    public let path: String
    /// Seals agents' text at rest (notes, run task and result, episodes, tuples); nil stores it as plaintext.
    public let vault: TextVault?

    /// Opens (creating if needed) and migrates the database at `path`; with a `vault`, loads or creates its master key
    /// (``TextVault/prepare(sample:)``).
    public init(path: String, vault: TextVault? = nil) throws(PortDaddyError) {
        self.path = path
        self.vault = vault
        var config = Configuration()
        config.label = "port-daddy"
        config.busyMode = .timeout(5)
        // Reads are served from memory; a couple of reader connections are plenty and keep the daemon small.
        config.maximumReaderCount = 2
        let sealing = vault != nil
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted and overwritten cells are zeroed where that costs no extra I/O: plaintext that sealing replaces
            // does not linger in the page.
            if sealing { try db.execute(sql: "PRAGMA secure_delete = FAST") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try SQLiteStore.migrator.migrate(pool)
            if let vault { vault.prepare(sample: try pool.read(VaultSchema.sample)) }
        } catch {
            throw .storage("cannot open \(path): \(error)")
        }
        committer = GroupCommitter(pool: pool)
    }

    /// Opens an existing database for reading only (used by `pd doctor` when no daemon runs).
    public static func integrityCheck(readingOnly path: String) -> String {
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try queue.read { try String.fetchOne($0, sql: "PRAGMA quick_check") ?? "no answer" }
        } catch {
            return "cannot open: \(error)"
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-claims") { db in
            try db.execute(
                sql: """
                    CREATE TABLE claims (
                        identity TEXT PRIMARY KEY NOT NULL,
                        port INTEGER NOT NULL UNIQUE CHECK (port BETWEEN 1 AND 65535),
                        pid INTEGER,
                        pid_start INTEGER,
                        claimed_at INTEGER NOT NULL,
                        last_seen_at INTEGER NOT NULL,
                        expires_at INTEGER,
                        sticky INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE identities (
                        identity TEXT PRIMARY KEY NOT NULL,
                        last_port INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE claim_events (
                        id INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        identity TEXT NOT NULL,
                        port INTEGER NOT NULL,
                        event TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-locks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE locks (
                        name TEXT PRIMARY KEY NOT NULL,
                        owner TEXT NOT NULL,
                        pid INTEGER,
                        pid_start INTEGER,
                        token INTEGER NOT NULL CHECK (token > 0),
                        acquired_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE TABLE lock_tokens (
                        name TEXT PRIMARY KEY NOT NULL,
                        last_token INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3-channels") { db in
            // AUTOINCREMENT: ids are never reused, even after retention deletes the newest rows of a channel,
            // so a subscriber's cursor stays meaningful.
            try db.execute(
                sql: """
                    CREATE TABLE messages (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        channel TEXT NOT NULL,
                        body TEXT NOT NULL,
                        sender TEXT,
                        signal TEXT,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX messages_channel_id ON messages(channel, id);
                    """)
        }
        migrator.registerMigration("v4-coordination") { db in
            try db.execute(
                sql: """
                    CREATE TABLE activity (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        actor TEXT,
                        subject TEXT NOT NULL,
                        detail TEXT
                    );
                    CREATE INDEX activity_at ON activity(at);
                    CREATE TABLE agents (
                        id TEXT PRIMARY KEY NOT NULL,
                        identity TEXT,
                        purpose TEXT,
                        pid INTEGER,
                        pid_start INTEGER,
                        ttl_ms INTEGER NOT NULL,
                        registered_at INTEGER NOT NULL,
                        last_heartbeat INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('active', 'dead', 'gone')),
                        died_at INTEGER
                    );
                    CREATE TABLE sessions (
                        id TEXT PRIMARY KEY NOT NULL,
                        agent_id TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        identity TEXT,
                        phase TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('active', 'completed', 'abandoned', 'salvage', 'salvaged')),
                        started_at INTEGER NOT NULL,
                        ended_at INTEGER
                    );
                    CREATE UNIQUE INDEX sessions_one_active ON sessions(agent_id) WHERE state = 'active';
                    CREATE TABLE notes (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                        type TEXT NOT NULL,
                        text TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX notes_session ON notes(session_id);
                    CREATE TABLE file_claims (
                        path TEXT NOT NULL,
                        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                        agent_id TEXT NOT NULL,
                        claimed_at INTEGER NOT NULL,
                        PRIMARY KEY (path, session_id)
                    );
                    CREATE TABLE salvage (
                        agent_id TEXT PRIMARY KEY NOT NULL,
                        died_at INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'completed', 'dismissed')),
                        claimed_by TEXT,
                        resolved_at INTEGER
                    );
                    CREATE TABLE integrations (
                        identity TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('ready', 'needs')),
                        detail TEXT NOT NULL DEFAULT '',
                        agent_id TEXT,
                        at INTEGER NOT NULL,
                        PRIMARY KEY (identity, kind, detail)
                    );
                    """)
        }
        migrator.registerMigration("v5-inbox") { db in
            try db.execute(sql: "CREATE TABLE inbox_reads (agent_id TEXT PRIMARY KEY NOT NULL, read_upto INTEGER NOT NULL)")
        }
        migrator.registerMigration("v6-stack-processes") { db in
            // Supervised processes, so a daemon that was killed can find and stop its orphans at the next start.
            try db.execute(
                sql: """
                    CREATE TABLE stack_processes (
                        identity TEXT PRIMARY KEY NOT NULL,
                        stack TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        pid_start INTEGER NOT NULL,
                        session INTEGER NOT NULL,
                        started_at INTEGER NOT NULL)
                    """)
        }
        migrator.registerMigration("v7-runs", migrate: RunStoreSchema.create)
        migrator.registerMigration("v8-memory", migrate: MemoryStoreSchema.create)
        migrator.registerMigration("v9-changelog", migrate: ChangelogSchema.create)
        migrator.registerMigration("v10-cursors", migrate: CursorSchema.create)
        migrator.registerMigration("v11-episodes", migrate: EpisodeSchema.create)
        migrator.registerMigration("v12-file-claims", migrate: FileClaimSchema.create)
        migrator.registerMigration("v13-channel-declarations", migrate: ChannelDeclarationSchema.create)
        migrator.registerMigration("v14-graph", migrate: GraphSchema.create)
        migrator.registerMigration("v15-wallets", migrate: WalletSchema.create)
        migrator.registerMigration("v16-budget-guard", migrate: BudgetGuardSchema.create)
        migrator.registerMigration("v17-fleets", migrate: FleetSchema.create)
        migrator.registerMigration("v18-webhooks", migrate: WebhookSchema.create)
        migrator.registerMigration("v19-note-encryption", migrate: VaultSchema.create)
        migrator.registerMigration("v20-port-assignments-view", migrate: PortAssignmentsView.create)
        migrator.registerMigration("v21-arbiter", migrate: ArbiterSchema.create)
        return migrator
    }

    public func loadClaims() throws(PortDaddyError) -> [Claim] {
        try guarded {
            try pool.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM claims")
                return rows.compactMap { row -> Claim? in
                    guard let identity = try? Identity(parsing: row["identity"] as String) else { return nil }
                    let pid: Int64? = row["pid"]
                    let start: Int64? = row["pid_start"]
                    return Claim(
                        identity: identity, port: row["port"], pid: pid.map { Int32(truncatingIfNeeded: $0) },
                        pidStart: start.map { UInt64(bitPattern: $0) }, claimedAt: row["claimed_at"],
                        lastSeenAt: row["last_seen_at"], expiresAt: row["expires_at"], sticky: row["sticky"])
                }
            }
        }
    }

    public func loadLastPorts() throws(PortDaddyError) -> [String: Int] {
        try guarded {
            try pool.read { db in
                var result: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT identity, last_port FROM identities") {
                    result[row["identity"]] = row["last_port"]
                }
                return result
            }
        }
    }

    public func save(_ claim: Claim, rememberPort: Bool) -> PendingCommit {
        committer.submit { db in try SQLiteStore.upsert(claim, rememberPort: rememberPort, in: db) }
    }

    public func flushed() -> PendingCommit { committer.barrier() }

    public func delete(_ freed: [FreedClaim]) -> PendingCommit {
        guard !freed.isEmpty else { return .nothing }
        return committer.submit { db in try SQLiteStore.remove(freed, in: db) }
    }

    public func applyReap(freed: [FreedClaim], refreshed: [Claim]) throws(PortDaddyError) {
        guard !freed.isEmpty || !refreshed.isEmpty else { return }
        try committer.write { db in
            try SQLiteStore.remove(freed, in: db)
            for claim in refreshed { try SQLiteStore.upsert(claim, rememberPort: false, in: db) }
        }
    }

    public func integrityCheck() throws(PortDaddyError) -> String {
        try guarded { try pool.read { try String.fetchOne($0, sql: "PRAGMA quick_check") ?? "no answer" } }
    }

    public func walSize() -> Int64 {
        var st = stat()
        guard stat(path + "-wal", &st) == 0 else { return 0 }
        return Int64(st.st_size)
    }

    public func checkpoint() throws(PortDaddyError) {
        try guarded { try pool.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) } }
    }

    private static func upsert(_ claim: Claim, rememberPort: Bool, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO claims (identity, port, pid, pid_start, claimed_at, last_seen_at, expires_at, sticky)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(identity) DO UPDATE SET port = excluded.port, pid = excluded.pid,
                    pid_start = excluded.pid_start, last_seen_at = excluded.last_seen_at,
                    expires_at = excluded.expires_at, sticky = excluded.sticky
                """)
        try statement.execute(arguments: [
            claim.identity.description, claim.port, claim.pid.map { Int64($0) },
            claim.pidStart.map { Int64(bitPattern: $0) }, claim.claimedAt, claim.lastSeenAt, claim.expiresAt,
            claim.sticky,
        ])
        guard rememberPort else { return }
        let remember = try db.cachedStatement(
            sql: """
                INSERT INTO identities (identity, last_port, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(identity) DO UPDATE SET last_port = excluded.last_port, updated_at = excluded.updated_at
                """)
        try remember.execute(arguments: [claim.identity.description, claim.port, claim.lastSeenAt])
    }

    /// Deletes freed claims. Why each was freed is not written here: the activity log records every release and
    /// reap (`claim.release`, `claim.reap` with the reason), so the `claim_events` table of `v1-claims` is no longer
    /// written (a second insert per release, with no reader).
    private static func remove(_ freed: [FreedClaim], in db: Database) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM claims WHERE identity = ?")
        for item in freed { try delete.execute(arguments: [item.claim.identity.description]) }
    }

    func guardedRead<T>(_ body: (Database) throws -> T) throws(PortDaddyError) -> T {
        try guarded { try pool.read(body) }
    }

    /// One write transaction. Called inside `atomically` (on the writer's queue, in its transaction), it joins that
    /// transaction instead of opening its own, so several services' writes commit or roll back together.
    func guardedWrite<T>(_ body: (Database) throws -> T) throws(PortDaddyError) -> T {
        try guarded {
            try pool.unsafeReentrantWrite { db in
                if db.isInsideTransaction { return try body(db) }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// The writer connection outside any transaction (the body opens its own): a master key rotation.
    func guardedWriter<T>(_ body: (Database) throws -> T) throws(PortDaddyError) -> T {
        try guarded { try pool.writeWithoutTransaction(body) }
    }

    /// Runs `body` as one transaction: every store write it makes (through any of this store's protocols) commits
    /// together, or none does when it throws. Reads inside `body` see the last committed state, not its own writes.
    /// Take any service lock `body` needs before calling this (the writer is the innermost lock).
    public func atomically<T>(_ body: () throws(PortDaddyError) -> T) throws(PortDaddyError) -> T {
        try guardedWrite { _ in try body() }
    }

    private func guarded<T>(_ body: () throws -> T) throws(PortDaddyError) -> T {
        do { return try body() } catch let error as PortDaddyError { throw error } catch {
            throw .storage(String(describing: error))
        }
    }
}

extension SQLiteStore: LockStore {
    public func loadLocks() throws(PortDaddyError) -> [Lock] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM locks").compactMap { row -> Lock? in
                guard let name = try? LockName(parsing: row["name"] as String) else { return nil }
                let pid: Int64? = row["pid"]
                let start: Int64? = row["pid_start"]
                return Lock(
                    name: name, owner: row["owner"], pid: pid.map { Int32(truncatingIfNeeded: $0) },
                    pidStart: start.map { UInt64(bitPattern: $0) }, token: row["token"], acquiredAt: row["acquired_at"],
                    expiresAt: row["expires_at"])
            }
        }
    }

    public func loadLockTokens() throws(PortDaddyError) -> [String: Int64] {
        try guardedRead { db in
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, last_token FROM lock_tokens") { result[row["name"]] = row["last_token"] }
            return result
        }
    }

    public func saveLock(_ lock: Lock) -> PendingCommit {
        committer.submit { db in try SQLiteStore.upsert(lock, in: db) }
    }

    public func deleteLock(_ name: LockName, token: Int64) -> PendingCommit {
        committer.submit { db in
            try db.cachedStatement(sql: "DELETE FROM locks WHERE name = ? AND token = ?").execute(arguments: [name.value, token])
        }
    }

    public func handOver(from old: Lock, to new: Lock?) -> PendingCommit {
        committer.submit { db in
            try db.cachedStatement(sql: "DELETE FROM locks WHERE name = ? AND token = ?").execute(arguments: [old.name.value, old.token])
            if let new { try SQLiteStore.upsert(new, in: db) }
        }
    }

    static func upsert(_ lock: Lock, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO locks (name, owner, pid, pid_start, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, pid_start = excluded.pid_start,
                    token = excluded.token, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                """
        ).execute(arguments: [
            lock.name.value, lock.owner, lock.pid.map { Int64($0) }, lock.pidStart.map { Int64(bitPattern: $0) }, lock.token,
            lock.acquiredAt, lock.expiresAt,
        ])
        // Tokens only grow: MAX() keeps a stale write from lowering the high-water mark.
        try db.cachedStatement(
            sql: """
                INSERT INTO lock_tokens (name, last_token) VALUES (?, ?)
                ON CONFLICT(name) DO UPDATE SET last_token = MAX(last_token, excluded.last_token)
                """
        ).execute(arguments: [lock.name.value, lock.token])
    }
}

extension SQLiteStore: ChannelStore {
    public func appendMessage(
        channel: String, body: String, sender: String?, signal: String?, inReplyTo: Int64?, at millis: Int64
    ) throws(PortDaddyError) -> ChannelMessageInfo {
        try guardedWrite { db in
            // Checked in the insert's transaction: the answered message exists now, so its id is below the new one.
            if let inReplyTo {
                let found = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM messages WHERE id = ? AND channel = ?)", arguments: [inReplyTo, channel])
                guard found == true else {
                    throw PortDaddyError.invalidRequest("inReplyTo \(inReplyTo) is not a retained message of channel \(channel)")
                }
            }
            try db.cachedStatement(sql: "INSERT INTO messages (channel, body, sender, signal, created_at, in_reply_to) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [channel, body, sender, signal, millis, inReplyTo])
            return ChannelMessageInfo(
                id: db.lastInsertedRowID, channel: channel, message: body, sender: sender, signal: signal, createdAt: millis, inReplyTo: inReplyTo)
        }
    }

    public func messages(after: Int64, limit: Int, matching pattern: IdentityPattern) throws(PortDaddyError) -> [ChannelMessageInfo] {
        try guardedRead { db in
            var result: [ChannelMessageInfo] = []
            var cursor = after
            // Exact channel names use the index; patterns scan forward in pages and filter.
            let exact = !pattern.description.contains("*")
            while result.count < limit {
                let rows = try Row.fetchAll(
                    db,
                    sql: exact
                        ? "SELECT * FROM messages WHERE channel = ? AND id > ? ORDER BY id LIMIT ?"
                        : "SELECT * FROM messages WHERE id > ? ORDER BY id LIMIT ?",
                    arguments: exact ? [pattern.description, cursor, limit] : [cursor, 512])
                guard let last = rows.last else { break }
                cursor = last["id"]
                for row in rows {
                    let message = SQLiteStore.message(row)
                    if exact || pattern.matches(name: message.channel) { result.append(message) }
                    if result.count == limit { break }
                }
                if exact { break }
            }
            return result
        }
    }

    public func channelSummaries() throws(PortDaddyError) -> [ChannelSummary] {
        try guardedRead { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.*, c.n FROM (SELECT channel, COUNT(*) AS n, MAX(id) AS last FROM messages GROUP BY channel) c
                    JOIN messages m ON m.id = c.last ORDER BY m.channel
                    """)
            return rows.map { ChannelSummary(channel: $0["channel"], count: $0["n"], last: SQLiteStore.message($0)) }
        }
    }

    public func clearChannel(_ channel: String) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM messages WHERE channel = ?", arguments: [channel])
            return db.changesCount
        }
    }

    public func newestMessages(limit: Int) throws(PortDaddyError) -> [ChannelMessageInfo] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM messages ORDER BY id DESC LIMIT ?", arguments: [limit]).map(SQLiteStore.message).reversed()
        }
    }

    public func latestMessageID() throws(PortDaddyError) -> Int64 {
        try guardedRead { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'messages'") ?? 0
        }
    }

    public func pruneMessages(keepPerChannel: Int, olderThan millis: Int64) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM messages WHERE created_at < ?", arguments: [millis])
            var removed = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM messages WHERE id IN (
                        SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY id DESC) AS r FROM messages)
                        WHERE r > ?)
                    """, arguments: [keepPerChannel])
            removed += db.changesCount
            return removed
        }
    }

    static func message(_ row: Row) -> ChannelMessageInfo {
        ChannelMessageInfo(
            id: row["id"], channel: row["channel"], message: row["body"], sender: row["sender"], signal: row["signal"],
            createdAt: row["created_at"], inReplyTo: row["in_reply_to"])
    }
}

extension SQLiteStore: ActivityStore {
    public func appendActivity(_ records: [(at: Int64, type: String, actor: String?, subject: String, detail: String?)]) throws(PortDaddyError)
        -> [ActivityInfo]
    {
        try guardedWrite { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO activity (at, type, actor, subject, detail) VALUES (?, ?, ?, ?, ?)")
            return try records.map { r in
                try insert.execute(arguments: [r.at, r.type, r.actor, r.subject, r.detail])
                return ActivityInfo(id: db.lastInsertedRowID, at: r.at, type: r.type, actor: r.actor, subject: r.subject, detail: r.detail)
            }
        }
    }

    public func activity(since: Int64?, typePrefix: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo] {
        try guardedRead { db in
            var sql = "SELECT * FROM activity WHERE at >= ?"
            var arguments: StatementArguments = [since ?? 0]
            if let typePrefix {
                sql += " AND (type = ? OR type LIKE ?)"
                arguments += [typePrefix, typePrefix + ".%"]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).reversed().map {
                ActivityInfo(id: $0["id"], at: $0["at"], type: $0["type"], actor: $0["actor"], subject: $0["subject"], detail: $0["detail"])
            }
        }
    }

    public func activity(afterID: Int64, typePrefix: String?, limit: Int) throws(PortDaddyError) -> [ActivityInfo] {
        try guardedRead { db in
            var sql = "SELECT * FROM activity WHERE id > ?"
            var arguments: StatementArguments = [afterID]
            if let typePrefix {
                sql += " AND (type = ? OR type LIKE ?)"
                arguments += [typePrefix, typePrefix + ".%"]
            }
            sql += " ORDER BY id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                ActivityInfo(id: $0["id"], at: $0["at"], type: $0["type"], actor: $0["actor"], subject: $0["subject"], detail: $0["detail"])
            }
        }
    }

    public func pruneActivity(olderThan millis: Int64) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM activity WHERE at < ?", arguments: [millis])
            return db.changesCount
        }
    }
}
