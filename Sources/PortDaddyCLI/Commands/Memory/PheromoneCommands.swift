import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

/// `--kind` (or the seed's `--table`) and `--id`; a file id becomes a real absolute path here.
struct PheromoneTarget: ParsableArguments {
    @Option(name: .long, help: "service, file, agent, session, channel or custom.") var kind: String?
    @Option(name: .long, help: "The seed's name for --kind (plural accepted: services).") var table: String?
    @Option(name: .long, help: "What is marked: an identity, a file path, an agent id…") var id: String

    func resolved() throws -> (kind: String, id: String) {
        guard let raw = kind ?? table else { throw CLIError("give --kind (service, file, agent, session, channel, custom)", exitCode: PDExit.usage) }
        let kind: PheromoneKind
        do { kind = try PheromoneKind.parse(raw) } catch { throw CLIError(error.message, exitCode: PDExit.usage) }
        return (kind.rawValue, kind == .file ? realPaths([id])[0] : id)
    }
}

/// `--harbor` on pheromone reads: one harbor, or every harbor when absent.
struct HarborFilter: ParsableArguments {
    @Option(name: .long, help: "Only this harbor (default: all).") var harbor: String?

    func resolved() throws -> String? { try harbor.map(validatedHarbor) }
}

extension PD {
    /// `pd pheromone spray|sniff|list|files`.
    struct PheromoneGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pheromone", abstract: "Pheromones: trails that fade with a half-life; contested files heat up on their own.",
            discussion:
                "Values are decayed when read: strength · 2^−(age / half-life). "
                + "Refused file claims spray contention +0.2, granted ones interest +0.05.",
            subcommands: [Spray.self, Sniff.self, List.self, Files.self])

        struct Spray: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Spray a trail: add (default, capped at 1), set, or max.")
            @OptionGroup var target: PheromoneTarget
            @Option(name: .long, help: "The trail's name, e.g. broken, reviewing.") var key: String
            @Option(name: .long, help: "0 to 1.") var strength: Double
            @Option(name: .long, help: "add, set or max.") var mode: String?
            @Option(name: .long, help: "Time to halve, e.g. 10m (default the daemon's, 10 minutes).") var halfLife: String?
            @OptionGroup var harbor: HarborOption
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let (kind, id) = try target.resolved()
                let mode = try mode.map { raw in
                    guard let mode = PheromoneMode(rawValue: raw) else { throw CLIError("--mode is add, set or max", exitCode: PDExit.usage) }
                    return mode
                }
                guard strength.isFinite, (0...1).contains(strength) else { throw CLIError("--strength must be 0 to 1", exitCode: PDExit.usage) }
                let request = PheromoneSprayRequest(
                    harbor: try harbor.resolved(), kind: kind, id: id, key: key, strength: strength, mode: mode,
                    halfLife: try durationOption(halfLife, "--half-life"))
                let client = try global.client()
                let trail = try attempt { try client.spray(request) }
                if global.json { return global.output.json(trail) }
                global.output.line("\(trail.kind) \(trail.id) \(trail.key) = \(PheromoneGroup.format(trail.value))")
            }
        }

        struct Sniff: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every trail on one thing, decayed to now.")
            @OptionGroup var target: PheromoneTarget
            @OptionGroup var scope: HarborFilter
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let (kind, id) = try target.resolved()
                let harbor = try scope.resolved()
                let client = try global.client()
                let response = try attempt { try client.sniff(kind: kind, id: id, harbor: harbor) }
                if global.json { return global.output.json(response) }
                global.output.line("\(response.kind) \(response.id): \(PheromoneGroup.format(response.total))")
                for trail in response.keys {
                    let halfLife = Output.span(seconds: Int(trail.halfLife))
                    global.output.line("  \(trail.key) \(PheromoneGroup.format(trail.value)) (\(trail.harbor), half-life \(halfLife))")
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Trails at least --min strong now, strongest first.")
            @Option(name: .long, help: "Weakest value listed (default 0.01).") var min: Double?
            @OptionGroup var scope: HarborFilter
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let harbor = try scope.resolved()
                let client = try global.client()
                let response = try attempt { try client.pheromones(min: min, harbor: harbor) }
                if global.json { return global.output.json(response) }
                guard !response.pheromones.isEmpty else { return global.output.line("no pheromones") }
                global.output.table(
                    ["VALUE", "KIND", "ID", "KEY", "HARBOR"],
                    response.pheromones.map { [PheromoneGroup.format($0.value), $0.kind, $0.id, $0.key, $0.harbor] })
            }
        }

        struct Files: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The hottest files (contention, interest…) with who holds them now.")
            @Option(name: .long, help: "At most this many (default 20).") var limit: Int?
            @OptionGroup var scope: HarborFilter
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let harbor = try scope.resolved()
                let client = try global.client()
                let response = try attempt { try client.hotFiles(limit: limit, harbor: harbor) }
                if global.json { return global.output.json(response) }
                guard !response.files.isEmpty else { return global.output.line("no file heat") }
                global.output.table(
                    ["HEAT", "FILE", "TRAILS", "HELD BY"],
                    response.files.map { file in
                        [
                            PheromoneGroup.format(file.heat), file.path,
                            file.keys.sorted { $0.key < $1.key }.map { "\($0.key) \(PheromoneGroup.format($0.value))" }.joined(separator: ", "),
                            file.holders.isEmpty ? "-" : file.holders.joined(separator: ", "),
                        ]
                    })
            }
        }

        static func format(_ value: Double) -> String { String(format: "%.3f", value) }
    }
}
