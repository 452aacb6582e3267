import PortDaddyCore
import PostgresNIO

/// The cluster's tables and functions in schema `port_daddy`, created by numbered migrations. Every node runs the
/// missing ones at start under a session advisory lock, so two nodes starting at once do not race.
///
/// Times are PostgreSQL's clock in milliseconds since 1970 (`pd_now()`), so leases and lock expiries do not depend on
/// the nodes' clocks agreeing.
enum ClusterSchema {
    /// The advisory lock key migrations hold.
    static let migrationLock: Int64 = 0x7064_6d69_6772
    /// The advisory transaction lock publishers hold, so message ids become visible in id order.
    static let publishLock: Int64 = 0x7064_7075_626c

    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (1, "nodes-locks-channels", nodes + locks + channels),
        (2, "published-ports", ports),
        (3, "coordination", ClusterCoordinationSchema.statements),
    ]

    /// Creates the schema and runs the migrations this node knows and the database lacks.
    static func migrate(_ link: PostgresLink) throws(PortDaddyError) {
        try link.withConnection { connection throws(PortDaddyError) in
            try link.run("CREATE SCHEMA IF NOT EXISTS port_daddy", on: connection)
            try link.run("SELECT pg_advisory_lock(\(migrationLock))", on: connection)
            defer { _ = try? link.run("SELECT pg_advisory_unlock(\(migrationLock))", on: connection) }
            try link.run(
                "CREATE TABLE IF NOT EXISTS migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                on: connection)
            let rows = try link.run("SELECT version FROM migrations", on: connection)
            var applied = Set<Int>()
            for row in rows.rows { if let version = try? row.decode(Int.self) { applied.insert(version) } }
            for migration in migrations where !applied.contains(migration.version) {
                try link.run("BEGIN", on: connection)
                do throws(PortDaddyError) {
                    for statement in migration.statements { try link.run(PostgresQuery(unsafeSQL: statement), on: connection) }
                    try link.run("INSERT INTO migrations (version, name) VALUES (\(migration.version), \(migration.name))", on: connection)
                    try link.run("COMMIT", on: connection)
                } catch {
                    _ = try? link.run("ROLLBACK", on: connection)
                    throw error
                }
            }
        }
    }

    static let nodes = [
        "CREATE FUNCTION pd_now() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$",
        """
        CREATE TABLE nodes (
            name text PRIMARY KEY, host text NOT NULL, http_port int, pid int, version text,
            started_at bigint NOT NULL, heartbeat_at bigint NOT NULL, lease_until bigint NOT NULL)
        """,
        """
        CREATE FUNCTION pd_node_alive(p_node text, p_now bigint) RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT EXISTS (SELECT 1 FROM nodes WHERE name = p_node AND lease_until > p_now) $$
        """,
    ]

    static let locks = [
        "CREATE TABLE lock_tokens (name text PRIMARY KEY, last_token bigint NOT NULL)",
        """
        CREATE TABLE locks (
            name text PRIMARY KEY, owner text NOT NULL, node text NOT NULL, pid int, pid_start bigint,
            token bigint NOT NULL, acquired_at bigint NOT NULL, expires_at bigint NOT NULL)
        """,
        """
        CREATE TABLE lock_waiters (
            id bigserial PRIMARY KEY, name text NOT NULL, owner text NOT NULL, node text NOT NULL,
            enqueued_at bigint NOT NULL, deadline bigint NOT NULL)
        """,
        "CREATE INDEX lock_waiters_name ON lock_waiters (name, id)",
        // Takes the lock for the caller when it is free (an expired holder, or one whose node's lease ran out, is
        // dropped first) and nobody queued earlier; otherwise queues the caller when asked. FIFO across nodes: only
        // the oldest live waiter may take a free lock. Tokens come from lock_tokens in the same transaction.
        """
        CREATE FUNCTION pd_lock_try(
            p_name text, p_owner text, p_node text, p_pid int, p_pid_start bigint, p_ttl bigint, p_waiter bigint, p_queue boolean,
            p_wait bigint)
        RETURNS TABLE (granted boolean, token bigint, acquired_at bigint, expires_at bigint, holder text, holder_expires bigint,
            waiter bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_now bigint := pd_now();
            v_held locks%ROWTYPE;
            v_is_held boolean;
            v_first bigint;
            v_token bigint;
            v_waiter bigint := p_waiter;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('pd-lock:' || p_name, 0));
            SELECT * INTO v_held FROM locks l WHERE l.name = p_name;
            v_is_held := FOUND;
            IF v_is_held AND (v_held.expires_at <= v_now OR NOT pd_node_alive(v_held.node, v_now)) THEN
                DELETE FROM locks l WHERE l.name = p_name;
                v_is_held := false;
            END IF;
            DELETE FROM lock_waiters w WHERE w.name = p_name AND (w.deadline <= v_now OR NOT pd_node_alive(w.node, v_now));
            IF v_waiter > 0 AND NOT EXISTS (SELECT 1 FROM lock_waiters w WHERE w.id = v_waiter) THEN
                v_waiter := 0;
            END IF;
            SELECT min(w.id) INTO v_first FROM lock_waiters w WHERE w.name = p_name;
            IF NOT v_is_held AND (v_first IS NULL OR v_first = v_waiter) THEN
                INSERT INTO lock_tokens AS t (name, last_token) VALUES (p_name, 1)
                    ON CONFLICT (name) DO UPDATE SET last_token = t.last_token + 1 RETURNING t.last_token INTO v_token;
                INSERT INTO locks VALUES (p_name, p_owner, p_node, p_pid, p_pid_start, v_token, v_now, v_now + p_ttl);
                IF v_waiter > 0 THEN DELETE FROM lock_waiters w WHERE w.id = v_waiter; END IF;
                RETURN QUERY SELECT true, v_token, v_now, v_now + p_ttl, p_owner, v_now + p_ttl, 0::bigint;
                RETURN;
            END IF;
            IF p_queue AND v_waiter = 0 THEN
                INSERT INTO lock_waiters (name, owner, node, enqueued_at, deadline) VALUES (p_name, p_owner, p_node, v_now, v_now + p_wait)
                    RETURNING id INTO v_waiter;
            END IF;
            RETURN QUERY SELECT false, 0::bigint, 0::bigint, 0::bigint,
                CASE WHEN v_is_held THEN v_held.owner ELSE 'a queued caller' END,
                CASE WHEN v_is_held THEN v_held.expires_at ELSE v_now END, v_waiter;
        END $$
        """,
        // Releases a lock held by p_owner (anyone's with p_force); with p_token only while it carries that token.
        // outcome: released, none (nothing matching), not_owner.
        """
        CREATE FUNCTION pd_lock_release(p_name text, p_owner text, p_token bigint, p_force boolean)
        RETURNS TABLE (outcome text, owner text, node text, pid int, pid_start bigint, token bigint, acquired_at bigint,
            expires_at bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_held locks%ROWTYPE;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('pd-lock:' || p_name, 0));
            SELECT * INTO v_held FROM locks l WHERE l.name = p_name;
            IF NOT FOUND OR (p_token IS NOT NULL AND v_held.token <> p_token) THEN
                RETURN QUERY SELECT 'none'::text, NULL::text, NULL::text, NULL::int, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint;
                RETURN;
            END IF;
            IF v_held.owner <> p_owner AND NOT p_force THEN
                RETURN QUERY SELECT 'not_owner'::text, v_held.owner, v_held.node, v_held.pid, v_held.pid_start, v_held.token,
                    v_held.acquired_at, v_held.expires_at;
                RETURN;
            END IF;
            DELETE FROM locks l WHERE l.name = p_name;
            PERFORM pg_notify('pd_locks', p_name);
            RETURN QUERY SELECT 'released'::text, v_held.owner, v_held.node, v_held.pid, v_held.pid_start, v_held.token,
                v_held.acquired_at, v_held.expires_at;
        END $$
        """,
        // Extends a live lock of p_owner to expire p_ttl from now (NULL: the TTL it was taken with).
        """
        CREATE FUNCTION pd_lock_extend(p_name text, p_owner text, p_ttl bigint)
        RETURNS TABLE (outcome text, owner text, node text, pid int, pid_start bigint, token bigint, acquired_at bigint,
            expires_at bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_now bigint := pd_now();
            v_held locks%ROWTYPE;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('pd-lock:' || p_name, 0));
            SELECT * INTO v_held FROM locks l WHERE l.name = p_name;
            IF NOT FOUND OR v_held.expires_at <= v_now OR NOT pd_node_alive(v_held.node, v_now) THEN
                RETURN QUERY SELECT 'none'::text, NULL::text, NULL::text, NULL::int, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint;
                RETURN;
            END IF;
            IF v_held.owner <> p_owner THEN
                RETURN QUERY SELECT 'not_owner'::text, v_held.owner, v_held.node, v_held.pid, v_held.pid_start, v_held.token,
                    v_held.acquired_at, v_held.expires_at;
                RETURN;
            END IF;
            UPDATE locks l SET expires_at = v_now + coalesce(p_ttl, v_held.expires_at - v_held.acquired_at) WHERE l.name = p_name
                RETURNING l.expires_at INTO v_held.expires_at;
            RETURN QUERY SELECT 'extended'::text, v_held.owner, v_held.node, v_held.pid, v_held.pid_start, v_held.token,
                v_held.acquired_at, v_held.expires_at;
        END $$
        """,
    ]

    static let channels = [
        "CREATE SEQUENCE message_ids",
        """
        CREATE TABLE messages (
            id bigint PRIMARY KEY, channel text NOT NULL, body text NOT NULL, sender text, signal text, in_reply_to bigint,
            created_at bigint NOT NULL, node text NOT NULL)
        """,
        "CREATE INDEX messages_channel ON messages (channel, id)",
        // One publisher commits at a time (a transaction advisory lock around nextval and the insert), so a reader
        // that has seen id N never later finds a smaller id committing: `id > last` misses nothing.
        """
        CREATE FUNCTION pd_publish(p_channel text, p_body text, p_sender text, p_signal text, p_reply bigint, p_at bigint, p_node text)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            v_id bigint;
        BEGIN
            PERFORM pg_advisory_xact_lock(\(publishLock));
            IF p_reply IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = p_reply AND m.channel = p_channel) THEN
                RAISE EXCEPTION 'pd:invalid_request:inReplyTo % is not a retained message of channel %', p_reply, p_channel;
            END IF;
            v_id := nextval('message_ids');
            INSERT INTO messages VALUES (v_id, p_channel, p_body, p_sender, p_signal, p_reply, p_at, p_node);
            PERFORM pg_notify('pd_messages', v_id::text);
            RETURN v_id;
        END $$
        """,
        """
        CREATE TABLE consumer_cursors (
            consumer text NOT NULL, channel_pattern text NOT NULL, last_id bigint NOT NULL, updated_at bigint NOT NULL,
            PRIMARY KEY (consumer, channel_pattern))
        """,
    ]

    static let ports = [
        """
        CREATE TABLE node_ports (
            node text NOT NULL, identity text NOT NULL, port int NOT NULL, pid int, state text NOT NULL, updated_at bigint NOT NULL,
            PRIMARY KEY (node, identity))
        """
    ]
}

/// A domain refusal raised by one of the cluster's SQL functions (`RAISE EXCEPTION 'pd:<code>:<message>'`).
struct ClusterFailure {
    let error: PortDaddyError

    init?(message: String) {
        let parts = message.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "pd" else { return nil }
        switch parts[1] {
        case "invalid_request": error = .invalidRequest(parts[2])
        default: return nil
        }
    }
}
