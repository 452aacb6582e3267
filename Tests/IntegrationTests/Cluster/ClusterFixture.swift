import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting

/// A private PostgreSQL and daemons that join it as nodes (separate data dirs and ports on this machine stand in for
/// hosts). Short leases and reaper intervals keep the failure tests quick; nothing is timed.
final class ClusterFixture: @unchecked Sendable {
    let postgres: PostgresServer
    let passwordFile: String
    let folder: String
    var nodes: [String: TestDaemon] = [:]
    static let leaseSeconds = 3

    init() throws {
        postgres = try PostgresServer.start()
        var template = Array("/tmp/pdc-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        folder = String(cString: dir)
        passwordFile = try postgres.writePasswordFile(in: folder)
    }

    deinit {
        for daemon in nodes.values { daemon.stop(signal: SIGKILL) }
        postgres.teardown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The environment that makes a daemon (and `pd`'s autostart) join the cluster as `node`.
    func environment(node: String) -> [String: String] {
        [
            "PORT_DADDY_CLUSTER_URL": postgres.url, "PORT_DADDY_CLUSTER_PASSWORD_FILE": passwordFile, "PORT_DADDY_NODE": node,
            "PORT_DADDY_CLUSTER_LEASE": String(Self.leaseSeconds), "PORT_DADDY_CLUSTER_GRACE": "1", "PORT_DADDY_REAP_INTERVAL": "1",
        ]
    }

    /// Starts a daemon that joins as `node`.
    @discardableResult
    func start(_ node: String) throws -> TestDaemon {
        let daemon = try TestDaemon(environment: environment(node: node))
        try daemon.start()
        nodes[node] = daemon
        return daemon
    }

    subscript(node: String) -> TestDaemon { nodes[node]! }
}
