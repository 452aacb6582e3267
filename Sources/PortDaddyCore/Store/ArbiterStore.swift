import GRDB
import PortDaddyAPI

/// What the arbiter reads and keeps: its mode, and the rows its sweep checks (PIDs not yet probed).
public protocol ArbiterStore: Sendable {
    func arbiterMode() throws(PortDaddyError) -> ArbiterMode?
    func setArbiterMode(_ mode: ArbiterMode) throws(PortDaddyError)
    /// Puts back any note trigger that is missing (a hand-edited database), so notes stay append-only.
    func ensureNoteTriggers() throws(PortDaddyError)
    /// The state the sweep checks, read in one transaction; `alive` probes a (pid, start).
    func arbiterSnapshot(now: Int64, alive: (Int32?, UInt64?) -> Bool) throws(PortDaddyError) -> ArbiterSnapshot
    /// The agents alone (what a registration's PID check needs).
    func arbiterAgents(alive: (Int32?, UInt64?) -> Bool) throws(PortDaddyError) -> [ArbiterSnapshot.Agent]
}

/// Migration `v21-arbiter`: the arbiter's settings, and the triggers that make notes append-only.
///
/// The triggers allow exactly the updates the daemon makes:
/// - `session_id` and `key_scope` may change (salvage moves a dead agent's notes into the salvager's session;
///   sealing records the scope whose key sealed the note);
/// - `text` may change only while a note is being sealed: from plaintext to sealed (`enc` 0 → 1, the start-up sealing
///   of old rows) or from the empty placeholder a sealed insert writes first (`enc` 1 and empty text, in the insert's
///   own transaction);
/// - `id`, `type` and `at` never change, `enc` never goes back to 0, and no note is deleted.
/// An insert naming an id below the largest one is refused (the statement is undone), so ids strictly increase.
enum ArbiterSchema {
    static let triggers = """
        CREATE TRIGGER IF NOT EXISTS notes_never_deleted BEFORE DELETE ON notes
        BEGIN SELECT RAISE(ABORT, 'NOTE_MONOTONICITY: notes are never deleted'); END;
        CREATE TRIGGER IF NOT EXISTS notes_never_rewritten BEFORE UPDATE OF id, type, text, at, enc ON notes
        WHEN NEW.id IS NOT OLD.id OR NEW.type IS NOT OLD.type OR NEW.at IS NOT OLD.at OR NEW.enc < OLD.enc
            OR (NEW.text IS NOT OLD.text AND NOT (OLD.enc = 0 AND NEW.enc = 1) AND NOT (OLD.enc = 1 AND length(OLD.text) = 0))
        BEGIN SELECT RAISE(ABORT, 'NOTE_MONOTONICITY: a note''s text, type, time and id never change'); END;
        CREATE TRIGGER IF NOT EXISTS notes_ids_increase AFTER INSERT ON notes
        WHEN NEW.id < (SELECT MAX(id) FROM notes)
        BEGIN SELECT RAISE(ABORT, 'NOTE_MONOTONICITY: note ids strictly increase'); END;
        """

    static func create(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE arbiter_settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);")
        try db.execute(sql: triggers)
    }
}

extension SQLiteStore: ArbiterStore {
    public func arbiterMode() throws(PortDaddyError) -> ArbiterMode? {
        try guardedRead { db in
            try String.fetchOne(db, sql: "SELECT value FROM arbiter_settings WHERE key = 'mode'").flatMap(ArbiterMode.init(rawValue:))
        }
    }

    public func setArbiterMode(_ mode: ArbiterMode) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(sql: "INSERT OR REPLACE INTO arbiter_settings (key, value) VALUES ('mode', ?)", arguments: [mode.rawValue])
        }
    }

    public func ensureNoteTriggers() throws(PortDaddyError) {
        try guardedWrite { db in try db.execute(sql: ArbiterSchema.triggers) }
    }

    public func arbiterAgents(alive: (Int32?, UInt64?) -> Bool) throws(PortDaddyError) -> [ArbiterSnapshot.Agent] {
        try guardedRead { db in try Self.arbiterAgents(db, alive: alive) }
    }

    static func arbiterAgents(_ db: Database, alive: (Int32?, UInt64?) -> Bool) throws -> [ArbiterSnapshot.Agent] {
        try Row.fetchAll(db, sql: "SELECT * FROM agents").map { row in
            let pid = (row["pid"] as Int64?).map { Int32(truncatingIfNeeded: $0) }
            let start: UInt64? = (row["pid_start"] as Int64?).map { UInt64(bitPattern: $0) }
            return ArbiterSnapshot.Agent(
                id: row["id"], pid: pid, pidStart: start, pidAlive: pid != nil && alive(pid, start), state: row["state"],
                registeredAt: row["registered_at"], lastHeartbeat: row["last_heartbeat"], ttlMillis: row["ttl_ms"], diedAt: row["died_at"])
        }
    }

    public func arbiterSnapshot(now: Int64, alive: (Int32?, UInt64?) -> Bool) throws(PortDaddyError) -> ArbiterSnapshot {
        try guardedRead { db in
            let agents = try Self.arbiterAgents(db, alive: alive)
            let locks = try Row.fetchAll(
                db, sql: "SELECT l.*, t.last_token FROM locks l LEFT JOIN lock_tokens t ON t.name = l.name ORDER BY l.name"
            ).map { row in
                let pid = (row["pid"] as Int64?).map { Int32(truncatingIfNeeded: $0) }
                let start: UInt64? = (row["pid_start"] as Int64?).map { UInt64(bitPattern: $0) }
                return ArbiterSnapshot.Lock(
                    name: row["name"], owner: row["owner"], pid: pid, pidAlive: pid.map { alive($0, start) }, token: row["token"],
                    lastToken: row["last_token"], expiresAt: row["expires_at"])
            }
            var balances: [String: Int64] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT w.project, COALESCE(SUM(l.micros), 0) AS balance
                    FROM wallets w LEFT JOIN wallet_ledger l ON l.project = w.project GROUP BY w.project
                    """
            ) {
                balances[row["project"]] = row["balance"]
            }
            let bonds = try Row.fetchAll(db, sql: "SELECT * FROM bonds WHERE state IN ('escrowed', 'held')").map { row in
                ArbiterSnapshot.Bond(
                    id: row["id"], project: row["project"], amountMicros: row["amount_micros"], slashedMicros: row["slashed_micros"],
                    state: row["state"])
            }
            let regressions = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, session_id FROM (
                        SELECT id, session_id, at, LAG(at) OVER (PARTITION BY session_id ORDER BY id) AS previous FROM notes)
                    WHERE previous IS NOT NULL AND at < previous
                    """
            ).map { (id: $0["id"] as Int64, session: $0["session_id"] as String) }
            return ArbiterSnapshot(now: now, agents: agents, locks: locks, balances: balances, bonds: bonds, noteRegressions: regressions)
        }
    }
}
