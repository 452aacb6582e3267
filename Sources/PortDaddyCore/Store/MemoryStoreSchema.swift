import GRDB

/// The `v8-memory` migration: harbors and their members, the tuple space, pheromones.
enum MemoryStoreSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE harbors (
                    name TEXT PRIMARY KEY NOT NULL,
                    closed INTEGER NOT NULL DEFAULT 0,
                    ephemeral INTEGER NOT NULL DEFAULT 0,
                    created_by TEXT,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER
                );
                CREATE TABLE harbor_members (
                    harbor TEXT NOT NULL REFERENCES harbors(name) ON DELETE CASCADE,
                    agent TEXT NOT NULL,
                    joined_at INTEGER NOT NULL,
                    PRIMARY KEY (harbor, agent)
                );
                CREATE INDEX harbor_members_agent ON harbor_members(agent);
                CREATE TABLE tuples (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    harbor TEXT NOT NULL,
                    arity INTEGER NOT NULL CHECK (arity BETWEEN 1 AND 64),
                    head TEXT NOT NULL,
                    body TEXT NOT NULL,
                    writer TEXT,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER
                );
                CREATE INDEX tuples_match ON tuples(harbor, arity, head, id);
                CREATE INDEX tuples_expiry ON tuples(expires_at) WHERE expires_at IS NOT NULL;
                CREATE TABLE pheromones (
                    harbor TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    v0 REAL NOT NULL CHECK (v0 >= 0 AND v0 <= 1),
                    t0 INTEGER NOT NULL,
                    half_life_ms INTEGER NOT NULL CHECK (half_life_ms > 0),
                    PRIMARY KEY (harbor, kind, id, key)
                );
                """)
    }
}
