import ArgumentParser
import Foundation
import PortDaddyFleetConfig
import PortDaddyStackConfig

extension PD {
    /// `pd fleet …`: the project's `pd-fleet.yml` (init, validate), running it in the daemon, and the panic switch.
    struct FleetGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fleet", abstract: "A project's pd-fleet.yml: agents on channel triggers and cron schedules.",
            discussion:
                "init writes a starter, validate checks it, up / enable hand it to the daemon, which runs it. The project root "
                + "is the nearest folder with a .portdaddyrc, else the git repository's top.",
            subcommands: [
                Init.self, Validate.self, FleetUp.self, FleetDown.self, FleetEnable.self, FleetDisable.self, FleetStatus.self, FleetReload.self,
                FleetEvents.self, FleetPromptCommand.self, FleetPanic.self,
                FleetUnpanic.self,
            ])

        /// The project root and its name: the nearest `.portdaddyrc`'s folder and project, else the git top.
        static func projectRoot() throws -> (root: String, project: String) {
            if let project = ProjectRoot.nearest() { return (project.root, project.project) }
            if let top = ProjectRoot.gitRoot() { return (top, (top as NSString).lastPathComponent) }
            throw CLIError("not inside a project: run this in a git repository or under a .portdaddyrc", exitCode: PDExit.usage)
        }

        struct Init: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a commented starter pd-fleet.yml and a git post-commit hook that publishes git:committed.",
                discussion:
                    "Refuses when pd-fleet.yml exists, unless --force. The hook runs `pd pub git:committed <commit>`; a "
                    + "post-commit hook that pd did not write is left alone (add that line to it yourself).")
            @Flag(name: .long, help: "Overwrite an existing pd-fleet.yml.") var force = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let (root, project) = try FleetGroup.projectRoot()
                let path = root + "/" + FleetConfig.fileName
                if FileManager.default.fileExists(atPath: path) && !force {
                    throw CLIError("\(path) exists; pass --force to replace it", exitCode: PDExit.usage)
                }
                do {
                    try FleetConfig.starter(project: project).write(toFile: path, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("cannot write \(path): \(error.localizedDescription)")
                }
                global.output.line("wrote \(path)")
                guard ProjectRoot.folder(holding: ".git", from: root) != nil else {
                    Output.warn("no git repository here: the post-commit hook was not installed")
                    return
                }
                let command = GitHook.pd + " pub git:committed \"$(git rev-parse HEAD)\""
                let hook = GitHook(
                    name: "post-commit", marker: "Installed by pd fleet init",
                    purpose: "tell fleet agents on git:committed about each commit.", body: command + " >/dev/null || true")
                do {
                    global.output.line("installed \(try hook.install(top: root))")
                } catch let foreign as GitHook.Foreign {
                    Output.warn("\(foreign.path) exists and is not pd's; add a line running `\(command)` to it yourself")
                }
            }
        }

        struct Validate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check a pd-fleet.yml and print every problem as `path: message`.",
                discussion: "Exits 2 when any problem is an error; warnings alone (a trigger/publish cycle) exit 0.")
            @Argument(help: "The file (default: pd-fleet.yml at the project root).") var file: String?
            @OptionGroup var global: GlobalOptions

            /// `--json`: the file, whether it is valid, its agents and every problem.
            struct Report: Encodable {
                var file: String
                var valid: Bool
                var agents: [String]
                var problems: [FleetProblem]
            }

            func run() throws {
                let path = try file ?? (FleetGroup.projectRoot().root + "/" + FleetConfig.fileName)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CLIError("\(path) does not exist; pd fleet init writes a starter", exitCode: PDExit.notFound)
                }
                let result = FleetConfig.load(path: path)
                let errors = result.errors.count
                if global.json {
                    global.output.json(
                        Report(file: path, valid: errors == 0, agents: result.config?.agents.map(\.name) ?? [], problems: result.problems))
                } else {
                    for problem in result.problems { global.output.line(problem.description) }
                    if let config = result.config {
                        let names = config.agents.map(\.name).joined(separator: ", ")
                        global.output.line("\(path): valid, fleet \(config.name), \(config.agents.count) agent(s): \(names)")
                    }
                }
                if errors > 0 {
                    let warnings = result.warnings.count
                    throw CLIError(
                        "\(path) is not valid: \(errors) error(s)" + (warnings > 0 ? ", \(warnings) warning(s)" : ""), exitCode: PDExit.usage)
                }
            }
        }
    }
}
