import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyFleetConfig

extension PD {
    /// `pd fleet up [-d]` and `pd fleet enable`: hand the project's `pd-fleet.yml` to the daemon.
    struct FleetUp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "up",
            abstract:
                "Run this project's pd-fleet.yml: in the foreground, its lifecycle streaming until Ctrl-C (-d: in the daemon, also after restarts).")
        @Flag(name: .customShort("d"), help: "Enable it: the daemon runs it, and starts it again at every start (pd fleet disable forgets it).")
        var detach = false
        @Flag(help: "Run it in the daemon until pd fleet down or the daemon stops, without following it and without enabling it.")
        var background = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            if detach || background { return try FleetUp.start(enable: detach, global: global) }
            try FleetForeground.run(global: global)
        }

        /// Validates the nearest `pd-fleet.yml` here and sends its folder, with this environment, to the daemon.
        static func start(enable: Bool, global: GlobalOptions) throws {
            let (root, config, project) = try located()
            let client = try global.client()
            let request = FleetUpRequest(path: root, env: ProcessInfo.processInfo.environment)
            let fleet = try attempt { enable ? try client.fleetEnable(project, request) : try client.fleetUp(project, request) }
            if global.json { return global.output.json(fleet) }
            global.output.line(
                "fleet \(config.name) running for \(project)\(enable ? " (enabled: it starts again with the daemon)" : ""): "
                    + fleet.agents.map(\.name).joined(separator: ", "))
        }

        /// The nearest `pd-fleet.yml` here or above: its folder, its valid definition and its project.
        static func located() throws -> (root: String, config: FleetConfig, project: String) {
            guard let root = ProjectRoot.folder(holding: FleetConfig.fileName, from: FileManager.default.currentDirectoryPath) else {
                throw CLIError("no \(FleetConfig.fileName) here or above (pd fleet init writes one)", exitCode: PDExit.notFound)
            }
            let validation = FleetConfig.load(path: root + "/" + FleetConfig.fileName)
            guard let config = validation.config else {
                for problem in validation.errors { Output.warn(problem.description) }
                throw CLIError("\(FleetConfig.fileName) is not valid (pd fleet validate)", exitCode: PDExit.usage)
            }
            return (root, config, FleetUp.project(root: root))
        }

        /// The project of a folder: as `ProjectRoot.project(of:)` finds it for a file there, else the folder's name.
        static func project(root: String) -> String {
            ProjectRoot.project(of: root + "/" + FleetConfig.fileName) ?? (root as NSString).lastPathComponent.lowercased()
        }
    }

    /// `pd fleet enable`.
    struct FleetEnable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable", abstract: "Run this project's pd-fleet.yml in the daemon, now and at every daemon start.")
        @OptionGroup var global: GlobalOptions

        func run() throws { try FleetUp.start(enable: true, global: global) }
    }

    /// `pd fleet disable`.
    struct FleetDisable: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stop this project's fleet and forget it.")
        @Argument(help: "The project (default: this folder's).") var project: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let name = project ?? FleetUp.project(root: FileManager.default.currentDirectoryPath)
            let client = try global.client()
            _ = try attempt { try client.fleetDisable(name) }
            global.output.line("fleet of \(name) disabled")
        }
    }

    /// `pd fleet down`.
    struct FleetDown: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop this project's fleet (its running agents are killed).")
        @Argument(help: "The project (default: this folder's).") var project: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let name =
                project ?? ProjectRoot.nearest()?.project ?? (FileManager.default.currentDirectoryPath as NSString).lastPathComponent.lowercased()
            let client = try global.client()
            _ = try attempt { try client.fleetDown(name) }
            global.output.line("fleet of \(name) stopped")
        }
    }

    /// `pd fleet status`.
    struct FleetStatus: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Running fleets: agents, status, queue depth.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let all = try attempt { try client.fleets() }
            if global.json { return global.output.json(all) }
            if all.panicked { global.output.line("PANICKED: nothing spawns until pd fleet unpanic --reason R") }
            if all.fleets.isEmpty { return global.output.line("no fleet runs (pd fleet up)") }
            for fleet in all.fleets {
                global.output.line(
                    "\(fleet.project) — \(fleet.name) (\(fleet.path))"
                        + (fleet.state == "invalid" ? " — INVALID file, still running its last valid definition:" : "")
                        + (fleet.state == "stopped" ? " — STOPPED (enabled: the next daemon start starts it; pd fleet disable forgets it)" : ""))
                for problem in fleet.problems ?? [] { global.output.line("  " + problem) }
                if fleet.agents.isEmpty { continue }
                global.output.table(
                    ["AGENT", "STATUS", "QUEUE", "LAST RUN", "DROPPED"],
                    fleet.agents.map { [$0.name, $0.status, String($0.queueDepth), $0.lastRun ?? "-", String($0.dropped)] })
            }
        }
    }

    /// `pd fleet reload`.
    struct FleetReload: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reload", abstract: "Read every running fleet's pd-fleet.yml again now (the daemon also looks every 2 s, and on SIGHUP).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let result = try attempt { try client.fleetReload() }
            if global.json { return global.output.json(result) }
            if result.reloaded.isEmpty && result.invalid.isEmpty && result.stopped.isEmpty { return global.output.line("no fleet file changed") }
            for project in result.reloaded { global.output.line("\(project): reloaded") }
            for project in result.invalid { global.output.line("\(project): invalid, the last valid definition keeps running (pd fleet status)") }
            for project in result.stopped { global.output.line("\(project): its pd-fleet.yml is gone; the fleet stopped") }
        }
    }
}
