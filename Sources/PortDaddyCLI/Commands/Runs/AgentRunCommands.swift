import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyStackConfig

extension PD.AgentGroup {
    /// `pd agent [run] "TASK"`: `pd spawn` with the project's defaults and the preflight checklist shown first.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Launch an agent with the project's defaults (.portdaddyrc agents.defaults).",
            discussion: """
                pd agent "fix the flaky test" is pd agent run "…". A task whose first word is register, heartbeat,
                unregister or run must be written pd agent run "…".
                """)
        @OptionGroup var spawn: SpawnOptions
        @OptionGroup var global: GlobalOptions
        @Argument(parsing: .captureForPassthrough, help: "The task.") var words: [String] = []

        func run() throws {
            let words = self.words.first == "--" ? Array(self.words.dropFirst()) : self.words
            let project = ProjectRoot.nearest()
            var spawn = self.spawn
            if spawn.identity == nil, let name = project?.project { spawn.identity = "\(name):agent" }
            let request = try spawn.request(words: words, defaults: project?.defaults ?? AgentDefaults())
            if !spawn.quiet && !spawn.dryRun {
                var check = request
                check.dryRun = true
                let client = try global.client()
                let preflight = try attempt { try client.spawn(check) }
                for item in preflight.preflight ?? [] { Output.warn("\(item.ok ? "✔" : "✘") \(item.check): \(item.detail)") }
            }
            try RunAttachment.launch(request, spawn, global)
        }
    }
}

extension PD {
    /// `pd sortie "TASK"`, `pd sortie list|status|logs|abort`.
    struct SortieGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sortie", abstract: "A durable mission around one agent run, inspectable after a daemon restart.",
            subcommands: [Launch.self, List.self, Status.self, Logs.self, Abort.self], defaultSubcommand: Launch.self)

        struct Launch: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Launch a sortie (attached unless --detach).")
            @OptionGroup var spawn: SpawnOptions
            @OptionGroup var global: GlobalOptions
            @Argument(parsing: .captureForPassthrough, help: "The task.") var words: [String] = []

            func run() throws {
                let words = self.words.first == "--" ? Array(self.words.dropFirst()) : self.words
                let project = ProjectRoot.nearest()
                let request = try spawn.request(words: words, defaults: project?.defaults ?? AgentDefaults())
                let client = try global.client()
                let sortie = try attempt { try client.launchSortie(request) }
                if spawn.detach || global.json {
                    return global.json ? global.output.json(sortie) : global.output.line(sortie.id)
                }
                if !spawn.quiet { Output.warn("sortie \(sortie.id) \"\(sortie.name)\": run \(sortie.runID)") }
                let interrupt = InterruptHandler.killing(run: sortie.runID, client: client)
                let (end, lastLine) = try RunAttachment.follow(sortie.runID, quiet: spawn.quiet, global)
                if let result = end?.result, !result.isEmpty, result != lastLine || spawn.quiet, end?.state == .succeeded || !spawn.quiet {
                    global.output.line(result)
                }
                if interrupt.triggered { throw ExitCode(130) }
                guard end?.state == .succeeded else { throw ExitCode(PDExit.runFailed) }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Sorties, newest first.")
            @Option(name: .long, help: "Only sorties in this state (running, succeeded, failed, killed, aborted, lost).") var status: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let response = try attempt { try client.sorties(status: status) }
                if global.json { return global.output.json(response) }
                guard !response.sorties.isEmpty else { return global.output.line("no sorties") }
                global.output.table(
                    ["SORTIE", "NAME", "STATE", "RUN", "EVENTS", "CREATED"],
                    response.sorties.map {
                        [$0.id, String($0.name.prefix(30)), $0.state, $0.runID, String($0.events), Output.age(sinceMillis: $0.createdAt)]
                    })
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A sortie's state, outcome and mission log.")
            @Argument(help: "The sortie id.") var id: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let sortie = try attempt { try client.sortie(id, full: true) }
                if global.json { return global.output.json(sortie) }
                let output = global.output
                output.line("\(sortie.id) \"\(sortie.name)\": \(sortie.state) (run \(sortie.runID))")
                if let task = sortie.task { output.line("task: \(task)") }
                for event in sortie.log ?? [] { output.line("  \(event.kind): \(event.text)") }
                if let outcome = sortie.outcome {
                    output.line(
                        "outcome: \(outcome.state.rawValue), $\(outcome.cost.usd), \(outcome.notes.count) note(s), \(outcome.files.count) file(s)")
                }
            }
        }

        struct Logs: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A sortie's mission log; -f follows it until the sortie ends.")
            @Argument(help: "The sortie id.") var id: String
            @Flag(name: .shortAndLong, help: "Follow until the sortie ends.") var follow = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let output = global.output
                guard follow else {
                    let client = try global.client()
                    let sortie = try attempt { try client.sortie(id, full: true) }
                    if global.json { return output.json(sortie.log ?? []) }
                    for event in sortie.log ?? [] { output.line("\(event.kind): \(event.text)") }
                    return
                }
                let decoder = JSONDecoder()
                try followEvents(global, path: PortDaddyClient.sortieStreamPath(id), after: 0) { event in
                    if event.event == "end" { return .stop(0) }
                    guard let entry = try? decoder.decode(SortieEvent.self, from: Data(event.data.utf8)) else { return .skip }
                    output.line("\(entry.kind): \(entry.text)")
                    return .seen(entry.id)
                }
            }
        }

        struct Abort: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Abort a sortie: its run is killed.")
            @Argument(help: "The sortie id.") var id: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let sortie = try attempt { try client.abortSortie(id) }
                if global.json { return global.output.json(sortie) }
                global.output.line("\(sortie.id) \(sortie.state)")
            }
        }
    }
}
