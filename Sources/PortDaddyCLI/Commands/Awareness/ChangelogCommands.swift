import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd changelog [show|add|tree|export]`.
    struct ChangelogGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "changelog", abstract: "What changed on which identity: add, show, tree, export.",
            subcommands: [Show.self, Add.self, Tree.self, Export.self], defaultSubcommand: Show.self)

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an entry for an identity.")
            @Argument(help: "The identity (myapp, myapp:api, myapp:api:main).") var identity: String
            @Argument(help: "A one-line summary.") var summary: String
            @Option(name: .long, help: "feat, fix, refactor, docs, chore or note (default note).") var type: String = "note"
            @Option(name: .long, help: "A longer description.") var description: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                guard let kind = ChangeType(rawValue: type) else {
                    throw CLIError("--type \(type) is not one of feat, fix, refactor, docs, chore, note", exitCode: PDExit.usage)
                }
                let client = try global.client()
                let entry = try attempt {
                    try client.addChange(ChangeRequest(identity: identity, summary: summary, type: kind, description: description))
                }
                if global.json { return global.output.json(entry) }
                global.output.line("#\(entry.id) \(entry.identity) \(entry.type.rawValue): \(entry.summary)")
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Entries, newest first (a project pattern also shows its stacks).")
            @Argument(help: "An identity or pattern (myapp, 'myapp:*').") var pattern: String?
            @Option(name: .long, help: "Only entries this recent (e.g. 7d, 2h).") var since: String?
            @Option(name: .long, help: "At most this many.") var limit = 50
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.changelog(identity: pattern, since: since, limit: limit) }
                if global.json { return global.output.json(response) }
                guard !response.entries.isEmpty else { return global.output.line("no changelog entries") }
                for entry in response.entries {
                    global.output.line("\(Output.age(sinceMillis: entry.at))  \(entry.identity)  \(entry.type.rawValue): \(entry.summary)")
                }
            }
        }

        struct Tree: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Entries as project → stack → context, with counts.")
            @Argument(help: "An identity or pattern.") var pattern: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.changelogTree(identity: pattern) }
                if global.json { return global.output.json(response) }
                guard !response.roots.isEmpty else { return global.output.line("no changelog entries") }
                func show(_ node: ChangeTreeNode, depth: Int) {
                    let indent = String(repeating: "  ", count: depth)
                    global.output.line("\(indent)\(node.identity) (\(node.count))")
                    for entry in node.latest { global.output.line("\(indent)  · \(entry.type.rawValue): \(entry.summary)") }
                    for child in node.children { show(child, depth: depth + 1) }
                }
                for root in response.roots { show(root, depth: 0) }
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every entry as Markdown (one section per identity) or JSON.")
            @Argument(help: "An identity or pattern.") var pattern: String?
            @Option(name: .long, help: "markdown or json.") var format = "markdown"
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.changelog(identity: pattern, since: nil, limit: 10_000) }
                switch format {
                case "json": global.output.json(response)
                case "markdown":
                    global.output.line("# Changelog")
                    let byIdentity = Dictionary(grouping: response.entries, by: \.identity)
                    for identity in byIdentity.keys.sorted() {
                        global.output.line("")
                        global.output.line("## \(identity)")
                        global.output.line("")
                        for entry in byIdentity[identity] ?? [] {
                            let day = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(entry.at) / 1000)).prefix(10)
                            global.output.line("- \(day) **\(entry.type.rawValue)**: \(entry.summary)")
                        }
                    }
                default: throw CLIError("--format \(format) is not markdown or json", exitCode: PDExit.usage)
                }
            }
        }
    }
}
