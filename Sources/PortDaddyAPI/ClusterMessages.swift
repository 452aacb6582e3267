/// One node of the cluster (`GET /cluster`).
public struct ClusterNodeInfo: Codable, Sendable, Equatable {
    public var name: String
    /// Where other nodes reach its services.
    public var host: String
    public var httpPort: Int?
    public var pid: Int?
    public var version: String?
    /// Milliseconds since 1970, PostgreSQL's clock.
    public var startedAt: Int64
    public var heartbeatAt: Int64
    public var leaseUntil: Int64
    /// Whether its lease was current when read.
    public var alive: Bool

    public init(
        name: String, host: String, httpPort: Int?, pid: Int?, version: String?, startedAt: Int64, heartbeatAt: Int64, leaseUntil: Int64,
        alive: Bool
    ) {
        (self.name, self.host, self.httpPort, self.pid, self.version) = (name, host, httpPort, pid, version)
        (self.startedAt, self.heartbeatAt, self.leaseUntil, self.alive) = (startedAt, heartbeatAt, leaseUntil, alive)
    }
}

/// The cluster as this node sees it (`GET /cluster`): 404 `NOT_FOUND` on a daemon that is not in a cluster.
public struct ClusterStatusResponse: Codable, Sendable, Equatable {
    /// This daemon's node name.
    public var node: String
    /// The PostgreSQL URL, without any password.
    public var url: String
    /// Whether PostgreSQL answered just now.
    public var reachable: Bool
    /// Why not, when it did not.
    public var outage: String?
    public var leaseSeconds: Double
    public var graceSeconds: Double
    /// Every node that ever joined, alive or not, by name (empty while unreachable).
    public var nodes: [ClusterNodeInfo]

    public init(
        node: String, url: String, reachable: Bool, outage: String?, leaseSeconds: Double, graceSeconds: Double, nodes: [ClusterNodeInfo]
    ) {
        (self.node, self.url, self.reachable, self.outage) = (node, url, reachable, outage)
        (self.leaseSeconds, self.graceSeconds, self.nodes) = (leaseSeconds, graceSeconds, nodes)
    }
}

/// One claim a node published to the cluster (`GET /cluster/ports`, `pd find --cluster`).
public struct ClusterPortInfo: Codable, Sendable, Equatable {
    public var node: String
    /// The node's advertised host: where the port is reached from elsewhere.
    public var host: String
    public var nodeAlive: Bool
    public var identity: String
    public var port: Int
    public var pid: Int?
    public var state: String
    /// When the node last published it (milliseconds since 1970, PostgreSQL's clock).
    public var updatedAt: Int64

    public init(node: String, host: String, nodeAlive: Bool, identity: String, port: Int, pid: Int?, state: String, updatedAt: Int64) {
        (self.node, self.host, self.nodeAlive, self.identity) = (node, host, nodeAlive, identity)
        (self.port, self.pid, self.state, self.updatedAt) = (port, pid, state, updatedAt)
    }
}

/// A node removed from the cluster's list (`DELETE /cluster/nodes/{name}`).
public struct ClusterNodeForgotten: Codable, Sendable, Equatable {
    public var node: String
    /// Its published claims and leftover lock rows, removed with it.
    public var ports: Int
    public var locks: Int
    public init(node: String, ports: Int, locks: Int) { (self.node, self.ports, self.locks) = (node, ports, locks) }
}

/// Every node's published claims.
public struct ClusterPortsResponse: Codable, Sendable, Equatable {
    public var ports: [ClusterPortInfo]
    public init(ports: [ClusterPortInfo]) { self.ports = ports }
}
