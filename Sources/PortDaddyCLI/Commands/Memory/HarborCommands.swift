import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

/// `--harbor`, else `$PD_HARBOR`; nil lets the daemon use `global`.
struct HarborOption: ParsableArguments {
    @Option(name: .long, help: "Harbor (default $PD_HARBOR, else global).") var harbor: String?

    /// The harbor to send, checked here (bad name: exit 2 before any connection).
    func resolved() throws -> String? {
        guard let raw = harbor ?? PortDaddyEnvironment.value("PD_HARBOR") else { return nil }
        return try validatedHarbor(raw)
    }
}

func validatedHarbor(_ raw: String) throws -> String {
    do { return try HarborName.validated(raw) } catch { throw CLIError(error.message, exitCode: PDExit.usage) }
}

extension PD {
    /// `pd harbor create|enter|leave|show|destroy`.
    struct HarborGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "harbor", abstract: "Harbors: the scopes of tuples and pheromones (closed: members write; ephemeral: shredded when empty).",
            discussion:
                "Agent ids are self-asserted labels, so membership is coordination hygiene between cooperating agents, not security.",
            subcommands: [Create.self, Enter.self, Leave.self, Show.self, Destroy.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a harbor; you (your agent) are its first member.")
            @Argument(help: "Harbor name (identity rules, e.g. myapp:review).") var name: String
            @Flag(name: .long, help: "Only members may write (out, in, spray); others get exit 7.") var closed = false
            @Flag(name: .long, help: "Destroy it with its tuples and pheromones when the last member leaves or dies.") var ephemeral = false
            @Option(name: .long, help: "Destroy it this long after creation, e.g. 2h.") var ttl: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let request = HarborCreateRequest(
                    name: try validatedHarbor(name), closed: closed ? true : nil, ephemeral: ephemeral ? true : nil,
                    ttl: try durationOption(ttl, "--ttl"))
                let client = try global.client()
                let harbor = try attempt { try client.createHarbor(request) }
                if global.json { return global.output.json(harbor) }
                global.output.line("created harbor \(harbor.name) (\(HarborGroup.traits(harbor)))")
            }
        }

        struct Enter: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Become a member of a harbor.")
            @Argument(help: "Harbor name.") var name: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let name = try validatedHarbor(name)
                let client = try global.client()
                let harbor = try attempt { try client.enterHarbor(name) }
                if global.json { return global.output.json(harbor) }
                global.output.line("entered \(harbor.name): \(harbor.members.count) member(s)")
            }
        }

        struct Leave: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Leave a harbor (an ephemeral one left empty is destroyed).")
            @Argument(help: "Harbor name.") var name: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let name = try validatedHarbor(name)
                let client = try global.client()
                let harbor = try attempt { try client.leaveHarbor(name) }
                if global.json { return global.output.json(harbor) }
                let gone = harbor.ephemeral && harbor.members.isEmpty
                global.output.line(gone ? "left \(harbor.name); it was ephemeral and empty, so it is destroyed" : "left \(harbor.name)")
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a harbor: settings, members, tuple and pheromone counts.")
            @Argument(help: "Harbor name.") var name: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let name = try validatedHarbor(name)
                let client = try global.client()
                let harbor = try attempt { try client.harbor(name) }
                if global.json { return global.output.json(harbor) }
                global.output.line("\(harbor.name): \(HarborGroup.traits(harbor)), \(harbor.tuples) tuples, \(harbor.pheromones) pheromones")
                if let expires = harbor.expiresAt { global.output.line("expires \(Output.remaining(untilMillis: expires))") }
                for member in harbor.members { global.output.line("  \(member.agent) (joined \(Output.age(sinceMillis: member.joinedAt)))") }
            }
        }

        struct Destroy: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Destroy a harbor with its tuples and pheromones.")
            @Argument(help: "Harbor name.") var name: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let name = try validatedHarbor(name)
                let client = try global.client()
                let gone = try attempt { try client.destroyHarbor(name) }
                if global.json { return global.output.json(gone) }
                global.output.line("destroyed \(gone.name): \(gone.tuples) tuples, \(gone.pheromones) pheromones")
            }
        }

        static func traits(_ harbor: HarborInfo) -> String {
            guard harbor.declared else { return "open, not created" }
            return [harbor.closed ? "closed" : "open", harbor.ephemeral ? "ephemeral" : nil].compactMap { $0 }.joined(separator: ", ")
        }
    }

    /// `pd harbors`.
    struct Harbors: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List harbors: created ones, global, and any holding tuples or pheromones.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.harbors() }
            if global.json { return global.output.json(response) }
            global.output.table(
                ["HARBOR", "KIND", "MEMBERS", "TUPLES", "PHEROMONES"],
                response.harbors.map {
                    [$0.name, HarborGroup.traits($0), String($0.members.count), String($0.tuples), String($0.pheromones)]
                })
        }
    }
}
