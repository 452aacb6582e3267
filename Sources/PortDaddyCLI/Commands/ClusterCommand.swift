import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd cluster`: this node, the PostgreSQL it shares, and every node with its lease.
    struct ClusterCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster", abstract: "Show the cluster this daemon joined: PostgreSQL, and every node with its lease.",
            discussion: "Start a node with pd daemon --cluster postgres://user@host:5432/db --node NAME (README, Cluster mode).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let status = try attempt { try client.cluster() }
            if global.json { return global.output.json(status) }
            let out = global.output
            out.line("node \(status.node) at \(status.url) (lease \(Int(status.leaseSeconds))s, grace \(Int(status.graceSeconds))s)")
            guard status.reachable else { throw CLIError("PostgreSQL is unreachable: \(status.outage ?? "")", exitCode: PDExit.unreachable) }
            out.table(
                ["NODE", "HOST", "HTTP", "PID", "VERSION", "LEASE"],
                status.nodes.map { n in
                    [
                        n.name + (n.name == status.node ? " (this)" : ""), n.host, n.httpPort.map(String.init) ?? "-", n.pid.map(String.init) ?? "-",
                        n.version ?? "-", n.alive ? out.green("current") : out.red("expired"),
                    ]
                })
        }
    }
}
