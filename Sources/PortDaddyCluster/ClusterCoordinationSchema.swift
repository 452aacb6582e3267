/// The tables of migration 3 (`coordination`): agents (with the node that registered them), sessions, notes, file
/// claims with their per-path fencing tokens, salvage and integration signals, shaped like the SQLite daemon's own.
enum ClusterCoordinationSchema {
    /// The advisory transaction lock every coordination write holds, so writes serialize cluster-wide as SQLite's
    /// single writer serializes them on one host.
    static let writeLock: Int64 = 0x7064_636f_6f72

    static let statements = [
        """
        CREATE TABLE agents (
            id text PRIMARY KEY, identity text, purpose text, pid int, pid_start bigint, ttl_ms bigint NOT NULL,
            registered_at bigint NOT NULL, last_heartbeat bigint NOT NULL,
            state text NOT NULL CHECK (state IN ('active', 'dead', 'gone')), died_at bigint, name text, node text NOT NULL)
        """,
        """
        CREATE TABLE sessions (
            id text PRIMARY KEY, agent_id text NOT NULL, purpose text NOT NULL, identity text, phase text NOT NULL,
            state text NOT NULL CHECK (state IN ('active', 'completed', 'abandoned', 'salvage', 'salvaged')),
            started_at bigint NOT NULL, ended_at bigint)
        """,
        "CREATE UNIQUE INDEX sessions_one_active ON sessions (agent_id) WHERE state = 'active'",
        "CREATE INDEX sessions_agent ON sessions (agent_id, started_at)",
        """
        CREATE TABLE notes (
            id bigserial PRIMARY KEY, session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE, type text NOT NULL,
            text text NOT NULL, at bigint NOT NULL)
        """,
        "CREATE INDEX notes_session ON notes (session_id, id)",
        """
        CREATE TABLE file_claims (
            path text NOT NULL, session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE, agent_id text NOT NULL,
            claimed_at bigint NOT NULL, token bigint, content_hash text, start_line int, end_line int, symbol text,
            trusted boolean NOT NULL DEFAULT false, PRIMARY KEY (path, session_id))
        """,
        "CREATE INDEX file_claims_by_agent ON file_claims (agent_id, path)",
        "CREATE INDEX file_claims_by_session ON file_claims (session_id)",
        "CREATE TABLE file_tokens (path text PRIMARY KEY, token bigint NOT NULL)",
        """
        CREATE TABLE salvage (
            agent_id text PRIMARY KEY, died_at bigint NOT NULL,
            state text NOT NULL CHECK (state IN ('waiting', 'claimed', 'completed', 'dismissed')), claimed_by text, resolved_at bigint)
        """,
        """
        CREATE TABLE integrations (
            identity text NOT NULL, kind text NOT NULL CHECK (kind IN ('ready', 'needs')), detail text NOT NULL DEFAULT '',
            agent_id text, at bigint NOT NULL, PRIMARY KEY (identity, kind, detail))
        """,
    ]
}
