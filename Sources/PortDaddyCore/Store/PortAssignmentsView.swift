import GRDB

/// The first Port Daddy's table, `port_assignments (port, project, pid, started, last_seen)`, as a read-only view
/// over `claims`, so the first README's maintenance line
/// `sqlite3 <db> "SELECT * FROM port_assignments;"` works against our database. `project` is the claim's identity,
/// `started` and `last_seen` are milliseconds since 1970 (as they were), and `pid` is NULL for a claim without an
/// owner process. A view takes no writes: the daemon stays the only writer of claims.
enum PortAssignmentsView {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE VIEW port_assignments AS
                    SELECT port, identity AS project, pid, claimed_at AS started, last_seen_at AS last_seen
                    FROM claims ORDER BY port;
                """)
    }
}
