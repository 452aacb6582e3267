import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd memory tiers|tier|summary|episodes|stats`.
    struct MemoryGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "memory", abstract: "The memory model: tiers with live counts, episodes and their coverage.",
            subcommands: [Tiers.self, Tier.self, Summary.self, EpisodeList.self, Stats.self])

        struct Tiers: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every construct: its tier (core, recall, archival), retention and count.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let tiers = try attempt { try client.memoryTiers() }
                if global.json { return global.output.json(tiers) }
                global.output.table(
                    ["TIER", "CONSTRUCT", "COUNT", "RETENTION"], tiers.constructs.map { [$0.tier, $0.name, String($0.count), $0.retention] })
            }
        }

        struct Tier: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One construct's tier, retention and count (e.g. active-file-claims).")
            @Argument(help: "The construct, kebab-case.") var construct: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let found = try attempt { try client.memoryTier(construct) }
                if global.json { return global.output.json(found) }
                global.output.line("\(found.name): \(found.tier) · \(found.count) · kept \(found.retention)")
            }
        }

        struct Summary: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Counts per tier.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let tiers = try attempt { try client.memoryTiers() }
                if global.json { return global.output.json(tiers.totals) }
                let line = ["core", "recall", "archival"].map { "\($0) \(tiers.totals[$0] ?? 0)" }.joined(separator: " · ")
                global.output.line(line)
            }
        }

        struct EpisodeList: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "episodes", abstract: "Episodes, newest first: handoffs, findings, blockers and run/sortie outcomes.")
            @Option(name: .long, help: "Only this project.") var project: String?
            @Option(name: .long, help: "handoff, finding, blocker or outcome.") var type: String?
            @Option(name: .long, help: "Only this recent (e.g. 7d).") var since: String?
            @Option(name: .long, help: "At most this many.") var limit = 50
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.episodes(project: project, type: type, since: since, limit: limit) }
                if global.json { return global.output.json(response) }
                guard !response.episodes.isEmpty else { return global.output.line("no episodes") }
                for e in response.episodes {
                    global.output.line("\(Output.age(sinceMillis: e.at))  [\(e.type.rawValue)] \(e.identity ?? "-")  \(e.text)  (\(e.source))")
                }
            }
        }

        struct Stats: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Episodes by type, their span, and session coverage.")
            @Option(name: .long, help: "Only this project.") var project: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let stats = try attempt { try client.episodeStats(project: project) }
                if global.json { return global.output.json(stats) }
                let types = EpisodeType.allCases.map { "\($0.rawValue) \(stats.byType[$0.rawValue] ?? 0)" }.joined(separator: " · ")
                global.output.line(types)
                global.output.line(
                    "coverage \(stats.sessionsWithEpisodes)/\(stats.endedSessions) ended sessions"
                        + String(format: " (%.0f%%)", stats.coverage * 100))
            }
        }
    }
}
