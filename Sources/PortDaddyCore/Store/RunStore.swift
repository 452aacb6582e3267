import GRDB
import PortDaddyAPI

/// Durable record of agent runs (task and result included) and their cost events.
public protocol RunStore: Sendable {
    /// Inserts the run, or updates what changes during its life (its cost events are kept).
    func saveRun(_ run: RunInfo) throws(PortDaddyError)
    /// The run with its task and result, or nil.
    func run(_ id: String) throws(PortDaddyError) -> RunInfo?
    /// Runs newest first, without task and result; `since` in milliseconds.
    func runs(since: Int64?, limit: Int) throws(PortDaddyError) -> [RunInfo]
    func addCostEvent(_ event: CostEventInfo) throws(PortDaddyError)
    func costEvents(since: Int64, limit: Int) throws(PortDaddyError) -> [CostEventInfo]
    /// Deletes runs (and their cost events) that ended before `cutoff`; returns their ids.
    func pruneRuns(endedBefore cutoff: Int64) throws(PortDaddyError) -> [String]
}

/// The `v7-runs` migration: runs, their cost events, and one table for every supervised process.
enum RunStoreSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    backend TEXT NOT NULL,
                    model TEXT,
                    identity TEXT,
                    harbor TEXT,
                    agent_id TEXT NOT NULL,
                    session_id TEXT,
                    sortie_id TEXT,
                    pid INTEGER,
                    state TEXT NOT NULL,
                    reason TEXT,
                    exit_code INTEGER,
                    signal INTEGER,
                    budget_micros INTEGER NOT NULL CHECK (budget_micros >= 0),
                    cost_micros INTEGER NOT NULL DEFAULT 0,
                    input_tokens INTEGER NOT NULL DEFAULT 0,
                    output_tokens INTEGER NOT NULL DEFAULT 0,
                    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
                    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
                    telemetry TEXT NOT NULL,
                    task TEXT NOT NULL,
                    result TEXT,
                    created_at INTEGER NOT NULL,
                    started_at INTEGER,
                    ended_at INTEGER);
                CREATE INDEX runs_by_created ON runs(created_at);
                CREATE TABLE cost_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    at INTEGER NOT NULL,
                    model TEXT,
                    input_tokens INTEGER NOT NULL,
                    output_tokens INTEGER NOT NULL,
                    cache_read_tokens INTEGER NOT NULL,
                    cache_write_tokens INTEGER NOT NULL,
                    micros INTEGER NOT NULL,
                    source TEXT NOT NULL);
                CREATE INDEX cost_events_by_at ON cost_events(at);
                CREATE INDEX cost_events_by_run ON cost_events(run);
                CREATE TABLE supervised_processes (
                    kind TEXT NOT NULL,
                    key TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    pid_start INTEGER NOT NULL,
                    session INTEGER NOT NULL,
                    started_at INTEGER NOT NULL,
                    PRIMARY KEY (kind, key));
                INSERT INTO supervised_processes (kind, key, owner, pid, pid_start, session, started_at)
                    SELECT 'stack', identity, stack, pid, pid_start, session, started_at FROM stack_processes;
                DROP TABLE stack_processes;
                ALTER TABLE agents ADD COLUMN name TEXT;
                CREATE TABLE sorties (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    state TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    harbor TEXT,
                    task TEXT NOT NULL,
                    outcome TEXT,
                    created_at INTEGER NOT NULL,
                    ended_at INTEGER);
                CREATE TABLE sortie_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sortie TEXT NOT NULL REFERENCES sorties(id) ON DELETE CASCADE,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL);
                CREATE INDEX sortie_events_by_sortie ON sortie_events(sortie, id);
                """)
    }
}

extension SQLiteStore: RunStore {
    /// With a vault, the task and result are sealed (`enc` 1). An update without a result keeps the stored one (a run
    /// read back while its text could not be opened has no result, and must not erase it).
    public func saveRun(_ run: RunInfo) throws(PortDaddyError) {
        try guardedWrite { db in
            let task = try ProtectedText.write(run.task ?? "", ref: .run(run.id, "task"), vault: vault, db: db)
            let result = try ProtectedText.write(run.result, ref: .run(run.id, "result"), vault: vault, db: db)
            try db.execute(
                sql: """
                    INSERT INTO runs (id, name, backend, model, identity, harbor, agent_id, session_id, sortie_id, pid, state,
                        reason, exit_code, signal, budget_micros, cost_micros, input_tokens, output_tokens, cache_read_tokens,
                        cache_write_tokens, telemetry, task, result, created_at, started_at, ended_at, enc)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET model = excluded.model, pid = excluded.pid, state = excluded.state,
                        reason = excluded.reason, exit_code = excluded.exit_code, signal = excluded.signal, cost_micros = excluded.cost_micros,
                        input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
                        cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
                        result = COALESCE(excluded.result, runs.result), started_at = excluded.started_at, ended_at = excluded.ended_at
                    """,
                arguments: [
                    run.id, run.name, run.backend, run.model, run.identity, run.harbor, run.agentID, run.sessionID, run.sortieID, run.pid,
                    run.state.rawValue, run.reason, run.exitCode, run.signal, run.budget.micros, run.cost.micros, run.tokens.input,
                    run.tokens.output, run.tokens.cacheRead, run.tokens.cacheWrite, run.telemetry.rawValue, task, result,
                    run.createdAt, run.startedAt, run.endedAt, vault == nil ? 0 : 1,
                ])
        }
    }

    /// The run with its task and result; text that cannot be opened reads as a placeholder task and no result.
    public func run(_ id: String) throws(PortDaddyError) -> RunInfo? {
        try guardedRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map { row in
                var run = Self.runInfo(row)
                switch ProtectedText.read(row, "task", ref: .run(id, "task"), vault: vault, db: db) {
                case .success(let task): run.task = task
                case .failure(let error): run.task = ProtectedText.placeholder(error)
                }
                run.result = try? ProtectedText.read(row, "result", ref: .run(id, "result"), vault: vault, db: db).get()
                return run
            }
        }
    }

    public func runs(since: Int64?, limit: Int) throws(PortDaddyError) -> [RunInfo] {
        try guardedRead { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM runs WHERE created_at >= ? ORDER BY created_at DESC, id LIMIT ?", arguments: [since ?? 0, limit]
            ).map { Self.runInfo($0) }
        }
    }

    public func addCostEvent(_ event: CostEventInfo) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO cost_events (run, at, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, micros, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.run, event.at, event.model, event.tokens.input, event.tokens.output, event.tokens.cacheRead,
                    event.tokens.cacheWrite, event.micros, event.source,
                ])
        }
    }

    public func costEvents(since: Int64, limit: Int) throws(PortDaddyError) -> [CostEventInfo] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM cost_events WHERE at >= ? ORDER BY id DESC LIMIT ?", arguments: [since, limit]).map {
                row in
                CostEventInfo(
                    run: row["run"], at: row["at"], model: row["model"],
                    tokens: TokenCounts(
                        input: row["input_tokens"], output: row["output_tokens"], cacheRead: row["cache_read_tokens"],
                        cacheWrite: row["cache_write_tokens"]), micros: row["micros"], source: row["source"])
            }
        }
    }

    public func pruneRuns(endedBefore cutoff: Int64) throws(PortDaddyError) -> [String] {
        try guardedWrite { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM runs WHERE ended_at IS NOT NULL AND ended_at < ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM runs WHERE ended_at IS NOT NULL AND ended_at < ?", arguments: [cutoff])
            return ids
        }
    }

    /// A run without its task and result.
    static func runInfo(_ row: Row) -> RunInfo {
        RunInfo(
            id: row["id"], name: row["name"], backend: row["backend"], model: row["model"], identity: row["identity"], harbor: row["harbor"],
            agentID: row["agent_id"], sessionID: row["session_id"], sortieID: row["sortie_id"], pid: row["pid"],
            state: RunState(rawValue: row["state"]) ?? .lost, reason: row["reason"], exitCode: row["exit_code"], signal: row["signal"],
            budget: MoneyAmount(micros: row["budget_micros"]), cost: MoneyAmount(micros: row["cost_micros"]),
            tokens: TokenCounts(
                input: row["input_tokens"], output: row["output_tokens"], cacheRead: row["cache_read_tokens"],
                cacheWrite: row["cache_write_tokens"]),
            telemetry: TelemetryQuality(rawValue: row["telemetry"]) ?? .missing, createdAt: row["created_at"], startedAt: row["started_at"],
            endedAt: row["ended_at"])
    }
}
