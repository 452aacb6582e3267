import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd find [pattern]` (alias `list`).
    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List claims, optionally matching a pattern such as 'myapp:*' or 'myapp:*:main'.",
            aliases: ["list"])

        @Argument(help: "An identity or a pattern ('*' matches within a segment; a final '*' matches the rest).")
        var pattern: String?
        @Flag(name: .long, help: "Every node's claims (cluster mode): which identity holds which port on which node.")
        var cluster = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            if let pattern {
                do { _ = try IdentityPattern(parsing: pattern) } catch { throw CLIError(error.description, exitCode: PDExit.usage) }
            }
            let client = try global.client()
            if cluster { return try findInCluster(client) }
            let response = try attempt { try client.services(pattern: pattern) }
            if let pattern, !IdentityPattern.isPattern(pattern), response.services.isEmpty {
                if global.json { global.output.json(response) }
                throw CLIError("no claim for \(pattern)", exitCode: PDExit.notFound)
            }
            if global.json { return global.output.json(response) }
            let out = global.output
            guard !response.services.isEmpty else { return out.line("no claims") }
            out.table(
                ["PORT", "IDENTITY", "STATE", "PID", "CLAIMED", "EXPIRES"],
                response.services.map { s in
                    let state: String
                    switch s.state {
                    case .listening: state = out.green("listening")
                    case .assigned: state = out.yellow("assigned")
                    case .dead: state = out.red("dead")
                    }
                    let expiry = s.sticky ? "sticky" : (s.expiresAt.map { Output.remaining(untilMillis: $0) } ?? "-")
                    return [String(s.port), s.id, state, s.pid.map(String.init) ?? "-", Output.age(sinceMillis: s.claimedAt), expiry]
                })
        }
    }
}

extension PD.Find {
    /// `pd find --cluster`: every node's published claims.
    func findInCluster(_ client: PortDaddyClient) throws {
        let response = try attempt { try client.clusterPorts(pattern: pattern) }
        if global.json { return global.output.json(response) }
        let out = global.output
        guard !response.ports.isEmpty else { return out.line("no claims in the cluster") }
        out.table(
            ["NODE", "PORT", "IDENTITY", "STATE", "PID", "URL"],
            response.ports.map { p in
                let node = p.nodeAlive ? p.node : out.red("\(p.node) (down)")
                return [node, String(p.port), p.identity, p.state, p.pid.map(String.init) ?? "-", "http://\(p.host):\(p.port)/"]
            })
    }
}
