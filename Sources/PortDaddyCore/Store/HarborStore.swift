import GRDB
import PortDaddyAPI

/// A declared harbor as stored.
public struct HarborRecord: Sendable, Equatable {
    public var name: String
    public var closed: Bool
    public var ephemeral: Bool
    public var createdBy: String?
    public var createdAt: Int64
    public var expiresAt: Int64?
    public var members: [HarborMember]

    public init(
        name: String, closed: Bool, ephemeral: Bool, createdBy: String?, createdAt: Int64, expiresAt: Int64?, members: [HarborMember]
    ) {
        self.name = name
        self.closed = closed
        self.ephemeral = ephemeral
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.members = members
    }
}

/// Durable harbors and memberships; destroying one removes its tuples and pheromones in the same transaction.
public protocol HarborStore: Sendable {
    func loadHarbors() throws(PortDaddyError) -> [HarborRecord]
    /// Inserts a harbor with its first members; false when the name is taken.
    func insertHarbor(_ harbor: HarborRecord) throws(PortDaddyError) -> Bool
    func addHarborMember(_ harbor: String, agent: String, at millis: Int64) throws(PortDaddyError)
    func removeHarborMember(_ harbor: String, agent: String) throws(PortDaddyError)
    /// Deletes the harbor row, its members, tuples and pheromones; returns how many tuples and pheromones went.
    func destroyHarbor(_ name: String) throws(PortDaddyError) -> (tuples: Int, pheromones: Int)
    /// Live tuples and pheromone rows per harbor (harbors with neither are absent).
    func harborContents(now: Int64) throws(PortDaddyError) -> [String: (tuples: Int, pheromones: Int)]
}

extension SQLiteStore: HarborStore {
    public func loadHarbors() throws(PortDaddyError) -> [HarborRecord] {
        try guardedRead { db in
            var members: [String: [HarborMember]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM harbor_members ORDER BY joined_at, agent") {
                members[row["harbor"], default: []].append(HarborMember(agent: row["agent"], joinedAt: row["joined_at"]))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM harbors ORDER BY name").map { row in
                HarborRecord(
                    name: row["name"], closed: row["closed"], ephemeral: row["ephemeral"], createdBy: row["created_by"],
                    createdAt: row["created_at"], expiresAt: row["expires_at"], members: members[row["name"]] ?? [])
            }
        }
    }

    public func insertHarbor(_ harbor: HarborRecord) throws(PortDaddyError) -> Bool {
        try guardedWrite { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO harbors (name, closed, ephemeral, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [harbor.name, harbor.closed, harbor.ephemeral, harbor.createdBy, harbor.createdAt, harbor.expiresAt])
            guard db.changesCount == 1 else { return false }
            for member in harbor.members {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO harbor_members (harbor, agent, joined_at) VALUES (?, ?, ?)",
                    arguments: [harbor.name, member.agent, member.joinedAt])
            }
            return true
        }
    }

    public func addHarborMember(_ harbor: String, agent: String, at millis: Int64) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO harbor_members (harbor, agent, joined_at) VALUES (?, ?, ?)", arguments: [harbor, agent, millis])
        }
    }

    public func removeHarborMember(_ harbor: String, agent: String) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM harbor_members WHERE harbor = ? AND agent = ?", arguments: [harbor, agent])
        }
    }

    public func destroyHarbor(_ name: String) throws(PortDaddyError) -> (tuples: Int, pheromones: Int) {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM harbor_members WHERE harbor = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM harbors WHERE name = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM tuples WHERE harbor = ?", arguments: [name])
            let tuples = db.changesCount
            try db.execute(sql: "DELETE FROM pheromones WHERE harbor = ?", arguments: [name])
            return (tuples, db.changesCount)
        }
    }

    public func harborContents(now: Int64) throws(PortDaddyError) -> [String: (tuples: Int, pheromones: Int)] {
        try guardedRead { db in
            var result: [String: (tuples: Int, pheromones: Int)] = [:]
            let live = "SELECT harbor, COUNT(*) AS n FROM tuples WHERE expires_at IS NULL OR expires_at > ? GROUP BY harbor"
            for row in try Row.fetchAll(db, sql: live, arguments: [now]) { result[row["harbor"], default: (0, 0)].tuples = row["n"] }
            for row in try Row.fetchAll(db, sql: "SELECT harbor, COUNT(*) AS n FROM pheromones GROUP BY harbor") {
                result[row["harbor"], default: (0, 0)].pheromones = row["n"]
            }
            return result
        }
    }
}
