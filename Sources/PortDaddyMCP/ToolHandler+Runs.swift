import Foundation
import MCP
import PortDaddyAPI
import PortDaddyClient

extension ToolHandler {
    /// `runs`: launch an agent run or a sortie, list runs, read one (with its task and result), kill one. Over stdio
    /// this server acts with the user's authority: a launch spends the user's budget.
    func runs(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        switch try args.action(["spawn", "list", "status", "kill", "sortie"]) {
        case "spawn":
            let request = try spawnRequest(args)
            let (value, answer) = try run { c throws(ClientError) in try c.spawn(request) }
            guard let info = answer.run else { return (value, "dry run: " + (answer.argv ?? []).joined(separator: " ")) }
            return (value, "launched " + Self.line(info))
        case "sortie":
            let request = try spawnRequest(args)
            let (value, sortie) = try run { c throws(ClientError) in try c.launchSortie(request) }
            return (value, "sortie \(sortie.id) \"\(sortie.name)\" \(sortie.state), run \(sortie.runID)")
        case "list":
            let all = try args.bool("all") ?? false
            let project = try args.string("project")
            let (value, list) = try run { c throws(ClientError) in try c.runs(all: all, project: project) }
            return (value, list.runs.isEmpty ? "no runs" : list.runs.map(Self.line).joined(separator: "\n"))
        case "status":
            let id = try args.required("run")
            let (value, info) = try run { c throws(ClientError) in try c.run(id, full: true) }
            return (value, Self.line(info) + (info.result.map { "\nresult: \($0)" } ?? ""))
        default:
            let id = try args.required("run")
            let (value, info) = try run { c throws(ClientError) in try c.killRun(id) }
            return (value, (info.alreadyEnded == true ? "had already ended: " : "killed: ") + Self.line(info))
        }
    }

    /// The launch the arguments describe; a CLI backend's program and a custom program are found on this server's PATH.
    func spawnRequest(_ args: Arguments) throws(ToolFailure) -> SpawnRequest {
        let backend = try args.required("backend")
        let workdir = try args.required("workdir")
        guard workdir.hasPrefix("/") else { throw .invalid("workdir must be an absolute path") }
        let budget: String
        if let text = try? args.string("budget_usd") {
            budget = text
        } else if let number = try args.number("budget_usd") {
            budget = String(format: "%.6f", number)
        } else {
            throw .invalid("budget_usd is required: the run is killed when its cost passes it")
        }
        let environment = ProcessInfo.processInfo.environment
        var executable: String?
        if backend == "custom" {
            let program = try args.required("program")
            guard let found = Self.locate(program, path: environment["PATH"]) else { throw .invalid("\(program) was not found on PATH") }
            executable = found
        } else if let name = BackendPrograms.names[backend] {
            executable = Self.locate(name, path: environment["PATH"])
        }
        let timeout = try args.string("timeout").map { text throws(ToolFailure) -> Double in
            guard let seconds = DurationParser.seconds(text) else { throw .invalid("timeout \"\(text)\" is not a duration") }
            return seconds
        }
        return SpawnRequest(
            backend: backend, model: try args.string("model"), task: try args.required("task"), budgetUsd: budget,
            identity: try args.string("identity"), name: try args.string("name"), workdir: workdir, timeoutSeconds: timeout,
            env: environment, executable: executable, arguments: backend == "custom" ? (try args.strings("args") ?? []) : nil,
            telemetry: try args.string("telemetry"), dryRun: try args.bool("dry_run"))
    }

    /// An absolute executable path, or the first `name` on `path`.
    static func locate(_ name: String, path: String?) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in (path ?? "").split(separator: ":") where dir.hasPrefix("/") {
            if FileManager.default.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
        }
        return nil
    }

    static func line(_ run: RunInfo) -> String {
        "\(run.id) \"\(run.name)\" \(run.backend) \(run.state.rawValue)" + (run.reason.map { "(\($0))" } ?? "")
            + " tokens \(run.tokens.input)/\(run.tokens.output) cost $\(run.cost.usd) of $\(run.budget.usd), agent \(run.agentID)"
    }
}
