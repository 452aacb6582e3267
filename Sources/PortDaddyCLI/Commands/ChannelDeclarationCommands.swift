import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

extension PD.Channels {
    /// `pd channels ensure LOGICAL --scope branch|worktree|repo|global [--aliases A,B] [--description T]`.
    struct Ensure: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a logical channel for this repository, scoped to the branch, the worktree, the repo or nothing.",
            discussion: """
                Every worktree of the repository shares the declaration. pub, sub, watch, tube and channels clear then \
                turn the logical name (or an alias) into the physical channel of the checkout they run in: LOGICAL:branch, \
                LOGICAL:worktree-folder, LOGICAL:project, or LOGICAL for global. --raw-channel skips that.
                """)
        @Argument(help: "Logical name, at most 5 segments, e.g. swarm:general.") var logical: String
        @Option(name: .long, help: "branch, worktree, repo or global.") var scope: String
        @Option(name: .long, help: "Other names for it, comma-separated.") var aliases: String?
        @Option(name: .long, help: "What the channel is for.") var description: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let scope = ChannelScope(rawValue: scope) else {
                throw CLIError("--scope is one of \(ChannelScope.names)", exitCode: PDExit.usage)
            }
            let checkout = try GitCheckout.required()
            let aliasList = aliases.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty } }
            let client = try global.client()
            let request = ChannelDeclarationRequest(
                repo: checkout.repo, logical: logical, scope: scope, aliases: aliasList, description: description)
            let declared = try attempt { try client.declareChannel(request) }
            if global.json { return global.output.json(declared) }
            let aka = declared.aliases.isEmpty ? "" : " (also " + declared.aliases.joined(separator: ", ") + ")"
            let here = ChannelNaming.physical(declared, keys: checkout.keys).map { "here it is " + $0 } ?? "this checkout has no name for it"
            global.output.line("\(declared.logical)\(aka) is \(declared.scope.rawValue)-scoped; \(here)")
        }
    }

    /// `pd channels discover [PREFIX]`.
    struct Discover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List this repository's declared channels with their physical names in every worktree.")
        @Argument(help: "Only names (or aliases) that start with this.") var prefix: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let checkout = try GitCheckout.required()
            let client = try global.client()
            let declared = try attempt { try client.channelDeclarations(repo: checkout.repo) }.declarations
            let wanted = prefix.map { $0.trimmingWhitespace().asciiLowercased() }
            let worktrees = checkout.worktrees()
            let found = declared.filter { d in wanted.map { p in ([d.logical] + d.aliases).contains { $0.hasPrefix(p) } } ?? true }
                .map { d in
                    var physical: [String] = []
                    for name in worktrees.compactMap({ ChannelNaming.physical(d, keys: $0) }) where !physical.contains(name) {
                        physical.append(name)
                    }
                    return DiscoveredChannel(declaration: d, physical: physical, here: ChannelNaming.physical(d, keys: checkout.keys))
                }
            if global.json { return global.output.json(ChannelDiscoveryResponse(repo: checkout.repo, channels: found)) }
            guard !found.isEmpty else { return global.output.line("no declared channels in \(checkout.repo)") }
            global.output.table(
                ["CHANNEL", "SCOPE", "ALIASES", "HERE", "PHYSICAL", "DESCRIPTION"],
                found.map { c in
                    let d = c.declaration
                    return [
                        d.logical, d.scope.rawValue, d.aliases.isEmpty ? "-" : d.aliases.joined(separator: ","), c.here ?? "-",
                        c.physical.joined(separator: ","), d.description ?? "",
                    ]
                })
        }
    }
}
