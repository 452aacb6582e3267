import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd cluster [status]` and `pd cluster forget NODE`.
    struct ClusterCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster", abstract: "Show the cluster this daemon joined: PostgreSQL, and every node with its lease.",
            discussion: "Start a node with pd daemon --cluster postgres://user@host:5432/db --node NAME (README, Cluster mode).",
            subcommands: [Status.self, Forget.self], defaultSubcommand: Status.self)

        /// `pd cluster status`: this node, PostgreSQL, and every node with its lease.
        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "This node, the PostgreSQL it shares, and every node with its lease.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let status = try attempt { try client.cluster() }
                if global.json { return global.output.json(status) }
                let out = global.output
                out.line("node \(status.node) at \(status.url) (lease \(Int(status.leaseSeconds))s, grace \(Int(status.graceSeconds))s)")
                guard status.reachable else {
                    throw CLIError("PostgreSQL is unreachable: \(status.outage ?? "")", exitCode: PDExit.unreachable)
                }
                out.table(
                    ["NODE", "HOST", "HTTP", "PID", "VERSION", "LEASE"],
                    status.nodes.map { n in
                        [
                            n.name + (n.name == status.node ? " (this)" : ""), n.host, n.httpPort.map(String.init) ?? "-",
                            n.pid.map(String.init) ?? "-", n.version ?? "-", n.alive ? out.green("current") : out.red("expired"),
                        ]
                    })
            }
        }

        /// `pd cluster forget NODE`: drop a node whose lease ran out from every node's list.
        struct Forget: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove a node whose lease ran out (its published ports and leftover lock rows go with it).")
            @Argument(help: "The node's name.") var node: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let forgotten = try attempt { try client.forgetClusterNode(node) }
                if global.json { return global.output.json(forgotten) }
                global.output.line("forgot node \(forgotten.node) (\(forgotten.ports) published port(s), \(forgotten.locks) lock row(s))")
            }
        }
    }
}
