import Foundation
import GRDB
import PortDaddyAPI

/// A fleet the user enabled: the daemon starts it again at every start, from this folder.
public struct EnabledFleet: Sendable, Equatable {
    public var project: String
    /// The folder holding its `pd-fleet.yml`.
    public var path: String
    /// The `PATH` its agents' programs were found on when it was enabled.
    public var pathVariable: String?
    public var enabledAt: Int64

    public init(project: String, path: String, pathVariable: String?, enabledAt: Int64) {
        self.project = project
        self.path = path
        self.pathVariable = pathVariable
        self.enabledAt = enabledAt
    }
}

/// The fleets enabled with the user's authority.
public protocol FleetStore: Sendable {
    func saveEnabledFleet(_ fleet: EnabledFleet) throws(PortDaddyError)
    func deleteEnabledFleet(project: String) throws(PortDaddyError)
    func enabledFleets() throws(PortDaddyError) -> [EnabledFleet]
}

/// Migration `v17-fleets`.
enum FleetSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE fleets (
                    project TEXT PRIMARY KEY NOT NULL,
                    path TEXT NOT NULL,
                    path_env TEXT,
                    enabled_at INTEGER NOT NULL);
                """)
    }
}

extension SQLiteStore: FleetStore {
    public func saveEnabledFleet(_ fleet: EnabledFleet) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO fleets (project, path, path_env, enabled_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(project) DO UPDATE SET path = excluded.path, path_env = excluded.path_env, enabled_at = excluded.enabled_at
                    """, arguments: [fleet.project, fleet.path, fleet.pathVariable, fleet.enabledAt])
        }
    }

    public func deleteEnabledFleet(project: String) throws(PortDaddyError) {
        try guardedWrite { db in try db.execute(sql: "DELETE FROM fleets WHERE project = ?", arguments: [project]) }
    }

    public func enabledFleets() throws(PortDaddyError) -> [EnabledFleet] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fleets ORDER BY project").map { row in
                EnabledFleet(project: row["project"], path: row["path"], pathVariable: row["path_env"], enabledAt: row["enabled_at"])
            }
        }
    }
}
