import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd spawn [launch] … -- TASK`, `pd spawn kill RUN`, `pd spawn logs RUN [-f]`.
    struct SpawnGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "spawn",
            abstract: "Launch an AI agent with coordination built in; kill a run's whole tree; read its output.",
            discussion: """
                pd spawn --backend claude-cli --budget 0.50 -- "fix the flaky test" launches and follows the run.
                A task whose first word is kill, logs or launch must be written pd spawn launch "…".
                """,
            subcommands: [Launch.self, Kill.self, RunLogs.self], defaultSubcommand: Launch.self)

        struct Launch: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Launch an agent run (attached unless --detach).")
            @OptionGroup var spawn: SpawnOptions
            @OptionGroup var global: GlobalOptions
            @Argument(parsing: .captureForPassthrough, help: "The task (custom: the program and its arguments).") var words: [String] = []

            func run() throws {
                let words = self.words.first == "--" ? Array(self.words.dropFirst()) : self.words
                try RunAttachment.launch(try spawn.request(words: words), spawn, global)
            }
        }

        struct Kill: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Kill a run's whole process tree (its session goes to salvage).")
            @Argument(help: "A run id, or its agent's id.") var target: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let info = try attempt { try client.killRun(target) }
                if global.json { return global.output.json(info) }
                let state = info.state.rawValue + (info.reason.map { "(\($0))" } ?? "")
                global.output.line(info.alreadyEnded == true ? "\(info.id) had already ended: \(state)" : "\(info.id) \(state)")
            }
        }

        struct RunLogs: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "logs", abstract: "A run's output: the last lines, or follow it.")
            @Argument(help: "A run id, or its agent's id.") var target: String
            @Flag(name: .shortAndLong, help: "Follow the run until it ends.") var follow = false
            @Option(name: .short, help: "How many lines.") var lines = 200
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                if follow {
                    let info = try attempt { try client.run(target) }
                    _ = try RunAttachment.follow(info.id, quiet: false, global)
                    return
                }
                let logs = try attempt { try client.runLogs(target, lines: lines) }
                if global.json { return global.output.json(logs) }
                for line in logs.lines { global.output.line(line) }
            }
        }
    }

    /// `pd spawned`.
    struct Spawned: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Agent runs: state, tokens and cost (the last day unless --all).")
        @Flag(name: .long, help: "Every run kept, not just the last day's.") var all = false
        @Option(name: .long, help: "Only this project's runs.") var project: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.runs(all: all, project: project) }
            if global.json { return global.output.json(response) }
            guard !response.runs.isEmpty else { return global.output.line("no runs") }
            global.output.table(
                ["RUN", "NAME", "BACKEND", "STATE", "TOKENS IN/OUT", "COST", "AGENT", "STARTED"],
                response.runs.map { run in
                    [
                        run.id, String(run.name.prefix(30)), run.backend + (run.model.map { "/\($0)" } ?? ""),
                        run.state.rawValue + (run.reason.flatMap { $0 == run.state.rawValue ? nil : "(\($0))" } ?? ""),
                        "\(run.tokens.input)/\(run.tokens.output)", "$" + run.cost.usd,
                        run.agentID, Output.age(sinceMillis: run.startedAt ?? run.createdAt),
                    ]
                })
        }
    }

    /// `pd backends`.
    struct Backends: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The agent backends: telemetry, availability, models and rates.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            var response = try attempt { try client.backends() }
            // A CLI backend is available when its program is on this caller's PATH (the daemon never looks).
            let path = ProcessInfo.processInfo.environment["PATH"]
            for i in response.backends.indices {
                if let name = SpawnOptions.executableNames[response.backends[i].name] {
                    response.backends[i].available = (try? SpawnOptions.resolve(name, in: "/", path: path)) != nil
                }
            }
            if global.json { return global.output.json(response) }
            global.output.table(
                ["BACKEND", "KIND", "TELEMETRY", "AVAILABLE", "MODELS ($/MTok in/out)"],
                response.backends.map { backend in
                    [
                        backend.name, backend.kind, backend.telemetry.rawValue, backend.available ? "yes" : "no",
                        backend.models.map { "\($0.id) \(Self.usd($0.inputPerMTok))/\(Self.usd($0.outputPerMTok))" }.joined(separator: ", "),
                    ]
                })
        }

        static func usd(_ micros: Int64) -> String {
            let text = MoneyAmount(micros: micros).usd
            var trimmed = text
            while trimmed.hasSuffix("0") { trimmed.removeLast() }
            return trimmed.hasSuffix(".") ? String(trimmed.dropLast()) : trimmed
        }
    }

    /// `pd usage report` (inside a custom agent).
    struct Usage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "usage", abstract: "Report a custom agent's usage (inside a run).", subcommands: [Report.self])

        struct Report: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Report cumulative tokens (and cost) for the run in PD_RUN_ID with PD_RUN_TOKEN.")
            @Option(name: .long, help: "Input tokens so far.") var input: Int64
            @Option(name: .long, help: "Output tokens so far.") var output: Int64
            @Option(name: .long, help: "Cache-read tokens so far.") var cacheRead: Int64?
            @Option(name: .long, help: "Cache-write tokens so far.") var cacheWrite: Int64?
            @Option(name: .long, help: "The model.") var model: String?
            @Option(name: .long, help: "The cost so far in USD.") var cost: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let env = ProcessInfo.processInfo.environment
                guard let runID = env["PD_RUN_ID"], let token = env["PD_RUN_TOKEN"] else {
                    throw CLIError("pd usage report runs inside an agent run (PD_RUN_ID and PD_RUN_TOKEN are not set)", exitCode: PDExit.usage)
                }
                let client = try global.client()
                try attempt {
                    try client.reportUsage(
                        UsageReport(input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite, model: model, costUsd: cost),
                        run: runID, token: token)
                }
            }
        }
    }
}
