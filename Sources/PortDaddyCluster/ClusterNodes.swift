import Foundation
import PortDaddyAPI
import PortDaddyCore
import PostgresNIO

/// This node's membership: it renews its lease (`lease_until = now + lease`) every third of the lease, and judges
/// other nodes by theirs. A node whose lease ran out holds no locks; `grace` later its agents count as dead.
public final class ClusterNodes: Sendable {
    let link: PostgresLink
    public var settings: ClusterSettings { link.settings }

    init(link: PostgresLink) { self.link = link }

    var leaseMillis: Int64 { Int64(settings.leaseSeconds * 1000) }

    /// Joins (or re-joins) the cluster: upserts this node's row with a fresh lease.
    func join(httpPort: Int?) throws(PortDaddyError) {
        let s = settings
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        try link.query(
            """
            INSERT INTO nodes (name, host, http_port, pid, version, started_at, heartbeat_at, lease_until)
            VALUES (\(s.node), \(s.advertisedHost), \(httpPort), \(pid), \(PortDaddyVersion.current), pd_now(), pd_now(), pd_now() + \(leaseMillis))
            ON CONFLICT (name) DO UPDATE SET host = excluded.host, http_port = excluded.http_port, pid = excluded.pid,
                version = excluded.version, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
                lease_until = excluded.lease_until
            """)
    }

    /// Renews this node's lease. The row is re-made if someone deleted it.
    func renew(httpPort: Int?) throws(PortDaddyError) {
        let result = try link.query(
            "UPDATE nodes SET heartbeat_at = pd_now(), lease_until = pd_now() + \(leaseMillis) WHERE name = \(settings.node)")
        if result.metadata.rows == 0 { try join(httpPort: httpPort) }
    }

    /// Gives the lease up at a clean shutdown, so this node's locks free at once.
    func leave() {
        _ = try? link.query("UPDATE nodes SET lease_until = pd_now() WHERE name = \(settings.node)")
        _ = try? link.query("SELECT pg_notify('pd_locks', '*')")
    }

    /// Removes a node whose lease ran out, with its published claims and leftover lock rows. A node whose lease is
    /// current is refused (`INVALID_REQUEST`): stop it first (a clean stop gives the lease up).
    public func forget(_ raw: String) throws(PortDaddyError) -> ClusterNodeForgotten {
        let name = try ClusterSettings.nodeName(raw)
        return try link.transaction { tx -> ClusterNodeForgotten in
            let rows = try tx.query("SELECT lease_until > pd_now() FROM nodes WHERE name = \(name) FOR UPDATE")
            guard let row = rows.rows.first else { throw PortDaddyError.notFound("no node \(name) in the cluster; pd cluster lists them") }
            if (try? row.decode(Bool.self)) == true {
                throw PortDaddyError.invalidRequest("node \(name) still renews its lease; stop its daemon first (a clean stop gives the lease up)")
            }
            let ports = try tx.query("DELETE FROM node_ports WHERE node = \(name)").metadata.rows ?? 0
            let locks = try tx.query("DELETE FROM locks WHERE node = \(name)").metadata.rows ?? 0
            try tx.query("DELETE FROM lock_waiters WHERE node = \(name)")
            try tx.query("DELETE FROM nodes WHERE name = \(name)")
            return ClusterNodeForgotten(node: name, ports: Int(ports), locks: Int(locks))
        }
    }

    /// Every node, alive or not, by name.
    public func list() throws(PortDaddyError) -> [ClusterNodeInfo] {
        let rows = try link.query(
            """
            SELECT name, host, http_port, pid, version, started_at, heartbeat_at, lease_until, lease_until > pd_now()
            FROM nodes ORDER BY name
            """)
        return try rows.rows.map { (row) throws(PortDaddyError) -> ClusterNodeInfo in
            do {
                let (name, host, port, pid, version, started, heartbeat, lease, alive) = try row.decode(
                    (String, String, Int?, Int?, String?, Int64, Int64, Int64, Bool).self)
                return ClusterNodeInfo(
                    name: name, host: host, httpPort: port, pid: pid, version: version, startedAt: started, heartbeatAt: heartbeat,
                    leaseUntil: lease, alive: alive)
            } catch {
                throw .storage("cluster: unreadable node row: \(error)")
            }
        }
    }
}
