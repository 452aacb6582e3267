import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd graph edges|stats`.
    struct GraphGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph", abstract: "The coordination graph: who works on what, live and remembered (180 days).",
            subcommands: [Edges.self, Stats.self])

        struct Edges: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Edges, or those around a node: agent→session, session→file, co-claimed files, handed-off work, spawned runs, …",
                discussion:
                    "Nodes are KIND:ID with KIND one of \(GraphNodeKind.allCases.map(\.rawValue).joined(separator: ", ")); "
                    + "a relative file path is taken from the current directory. Kinds: "
                    + GraphEdgeKind.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            @Option(name: .long, help: "Only edges reachable from this node (KIND:ID, e.g. file:src/a.swift).") var node: String?
            @Option(name: .long, help: "The seed's spelling: symbols:file:PATH is --node file:PATH.") var scope: String?
            @Option(name: .long, help: "Only edges of this kind.") var kind: String?
            @Option(name: .long, help: "Steps from the node (1 to 5).") var depth: Int?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                if node != nil && scope != nil { throw CLIError("give --node or --scope, not both", exitCode: PDExit.usage) }
                let start = try (node ?? scope.map(Self.unscoped)).map(Self.resolved)
                if let kind, GraphEdgeKind(rawValue: kind) == nil {
                    throw CLIError(GraphEdgeKind.problem(with: kind), exitCode: PDExit.usage)
                }
                let client = try global.client()
                let response = try attempt { try client.graph(node: start, kind: kind, depth: depth) }
                if global.json { return global.output.json(response) }
                guard !response.edges.isEmpty else { return global.output.line("no edges") }
                global.output.table(
                    ["KIND", "FROM", "TO", "WEIGHT", "KEPT", "WHEN"],
                    response.edges.map { e in
                        [
                            e.kind.rawValue, e.from, e.to, String(e.weight), e.durable ? "durable" : "live",
                            e.at.map { Output.age(sinceMillis: $0) } ?? "-",
                        ]
                    })
            }

            /// `symbols:file:PATH` → `file:PATH` (symbol indexing is not built; the file is the node).
            static func unscoped(_ scope: String) -> String { scope.hasPrefix("symbols:") ? String(scope.dropFirst("symbols:".count)) : scope }

            /// Checks the node's form; a file node's path is made absolute and real, as claim-files does.
            static func resolved(_ raw: String) throws -> String {
                guard let node = GraphNode(parsing: raw) else { throw CLIError(GraphNode.problem(with: raw), exitCode: PDExit.usage) }
                return node.kind == .file ? GraphNode(.file, realPaths([node.key])[0]).id : node.id
            }
        }

        struct Stats: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Edges counted by kind (durable ones of a project when given) and the most co-claimed file pairs.")
            @Option(name: .long, help: "Only durable edges recorded for this project.") var project: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let stats = try attempt { try client.graphStats(project: project) }
                if global.json { return global.output.json(stats) }
                let durable = GraphEdgeKind.durableKinds.map { "\($0.rawValue) \(stats.durable[$0.rawValue] ?? 0)" }
                let live = GraphEdgeKind.allCases.filter { !$0.isDurable }.map { "\($0.rawValue) \(stats.live[$0.rawValue] ?? 0)" }
                global.output.line("durable" + (stats.project.map { " (\($0))" } ?? "") + ": " + durable.joined(separator: " · "))
                global.output.line("live: " + live.joined(separator: " · "))
                guard !stats.topCoClaimed.isEmpty else { return }
                global.output.line("most co-claimed:")
                for e in stats.topCoClaimed { global.output.line("  \(e.weight)  \(e.from)  \(e.to)") }
            }
        }
    }
}
