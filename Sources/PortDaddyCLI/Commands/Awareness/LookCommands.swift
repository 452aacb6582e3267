import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd look`: what happened lately and who is around.
    struct Look: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recent activity, notes, salvage, agents and runs; --line for one line (a shell prompt).")
        @Option(name: .long, help: "How far back (30m, 2h; a bare number is minutes). Default 30m.") var since: String?
        @Option(name: .long, help: "Only this project.") var project: String?
        @Flag(name: .long, help: "Print only the one-line summary.") var line = false
        @Flag(name: .long, help: "Also list the hottest files (pheromone heat).") var heat = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let look = try attempt { try client.look(since: since, project: project, heat: heat) }
            if global.json { return global.output.json(look) }
            SituationPrinter(output: global.output, voice: .plain).print(look, summaryOnly: line)
        }
    }

    /// `pd sitrep`: `pd look` in the maritime voice.
    struct Sitrep: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The situation report: pd look, told from the bridge.")
        @Option(name: .long, help: "How far back (30m, 2h; a bare number is minutes). Default 30m.") var since: String?
        @Option(name: .long, help: "Only this project.") var project: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let look = try attempt { try client.look(since: since, project: project) }
            if global.json { return global.output.json(look) }
            SituationPrinter(output: global.output, voice: .maritime).print(look, summaryOnly: false)
        }
    }

    /// `pd briefing`: what to know before starting; `--write` writes it into the project.
    struct Briefing: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What an agent should know before it starts; --write saves .portdaddy/briefing.md and .json in the project.")
        @Option(name: .long, help: "Only this project (default: the nearest .portdaddyrc's).") var project: String?
        @Flag(name: .long, help: "Write .portdaddy/briefing.md, briefing.json and a .gitignore under the project root.") var write = false
        @Flag(name: .long, help: "Every session note, not just the latest.") var full = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let nearest = ProjectRoot.nearest()
            let chosen = project ?? nearest?.project
            let client = try global.client()
            let briefing = try attempt { try client.briefing(project: chosen) }
            let markdown = BriefingDocument.markdown(briefing, full: full)
            if write {
                // The CLI writes the files, as the user; the daemon never takes a path.
                guard let root = nearest?.root ?? ProjectRoot.gitRoot() else {
                    throw CLIError("no project root here (no .portdaddyrc or git repository above this folder)", exitCode: PDExit.notFound)
                }
                let dir = root + "/.portdaddy"
                do {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    try markdown.write(toFile: dir + "/briefing.md", atomically: true, encoding: .utf8)
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try encoder.encode(briefing).write(to: URL(fileURLWithPath: dir + "/briefing.json"))
                    try "*\n".write(toFile: dir + "/.gitignore", atomically: true, encoding: .utf8)
                } catch { throw CLIError("cannot write \(dir): \(error.localizedDescription)") }
                return global.output.line("wrote \(dir)/briefing.md and briefing.json")
            }
            if global.json { return global.output.json(briefing) }
            global.output.line(markdown)
        }
    }
}
