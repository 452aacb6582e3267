import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddySystem

/// The launch flags shared by `pd spawn`, `pd agent run` and `pd sortie`.
struct SpawnOptions: ParsableArguments {
    @Option(name: .long, help: "claude-cli, codex, aider, gemini, claude, ollama, openai or custom (pd backends).") var backend: String?
    @Option(name: .long, help: "The model (default: the backend's).") var model: String?
    @Option(name: .long, help: "This run's hard cap in USD; the run is killed when its cost passes it.") var budget: String?
    @Option(name: .long, help: "The identity the agent works on, e.g. myapp:fixer.") var identity: String?
    @Option(name: .long, help: "A display name (default: from the task).") var name: String?
    @Option(name: .long, help: "The session's purpose (default: the task's first line).") var purpose: String?
    @Option(name: .long, help: "A memory tier label.") var tier: String?
    @Option(name: [.customLong("max-tokens"), .customLong("maxTokens")], help: "Output token limit (HTTP backends).") var maxTokens: Int?
    @Option(name: [.customLong("allowed-tools"), .customLong("allowedTools")], help: "claude-cli's --allowedTools.")
    var allowedTools: String?
    @Option(name: .long, help: "The agent's working directory (default: here).") var workdir: String?
    @Option(name: .long, help: "Kill the run after this long (e.g. 30m).") var timeout: String?
    @Option(name: .long, help: "A harbor to work in.") var harbor: String?
    @Option(name: .long, help: "An extra environment variable for the agent, K=V (repeatable; values are never stored).")
    var env: [String] = []
    @Option(name: .long, help: "custom: the task text (given in PD_TASK and on stdin).") var task: String?
    @Option(name: .long, help: "custom: `report` promises usage reports (fd 3 or pd usage report).") var telemetry: String?
    @Flag(name: .long, help: "Allow a backend whose token counts are rounded (aider).") var allowApproximate = false
    @Flag(name: .long, help: "Return the run id at once and leave the run going.") var detach = false
    @Flag(name: .customShort("q"), help: "Print only the result (nothing and exit 9 on failure).") var quiet = false
    @Flag(name: .long, help: "Print the preflight checklist and the exact argv; launch nothing.") var dryRun = false

    /// The request for `words` (the task, or for `custom` the program and its arguments), with `defaults` filling
    /// what the flags leave out.
    func request(words: [String], defaults: AgentDefaults = AgentDefaults()) throws -> SpawnRequest {
        guard let backend = backend ?? defaults.backend else {
            throw CLIError("which backend? pass --backend (pd backends lists them)", exitCode: PDExit.usage)
        }
        var environment = ProcessInfo.processInfo.environment
        for pair in env {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw CLIError("--env \(pair) is not K=V", exitCode: PDExit.usage)
            }
            environment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        let directory = try Self.directory(workdir)
        var executable: String?
        var arguments: [String]?
        var taskText = words.joined(separator: " ")
        if backend == "custom" {
            guard let program = words.first else {
                throw CLIError("custom needs its program after --: pd spawn --backend custom --task \"…\" -- PROGRAM ARGS…", exitCode: PDExit.usage)
            }
            executable = try Self.resolve(program, in: directory, path: environment["PATH"])
            arguments = Array(words.dropFirst())
            taskText = task ?? ""
        } else if let name = Self.executableNames[backend] {
            // The CLI resolves the program on the caller's PATH; only an absolute path reaches the daemon.
            executable = try? Self.resolve(name, in: directory, path: environment["PATH"])
        }
        guard !taskText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError("what should the agent do? give the task" + (backend == "custom" ? " with --task" : ""), exitCode: PDExit.usage)
        }
        return SpawnRequest(
            backend: backend, model: model ?? defaults.model, task: taskText, budgetUsd: budget ?? defaults.budget ?? "", identity: identity,
            name: name, purpose: purpose, tier: tier, maxTokens: maxTokens, allowedTools: allowedTools, workdir: directory,
            timeoutSeconds: try (timeout ?? defaults.timeout).map { raw in
                guard let seconds = DurationParser.seconds(raw) else {
                    throw CLIError("--timeout \(raw) is not a duration (e.g. 90s, 30m, 2h)", exitCode: PDExit.usage)
                }
                return seconds
            }, harbor: harbor, env: environment, executable: executable, arguments: arguments, telemetry: telemetry,
            allowApproximate: allowApproximate ? true : nil, dryRun: dryRun ? true : nil)
    }

    /// The program each CLI backend runs.
    static let executableNames = BackendPrograms.names

    static func directory(_ raw: String?) throws -> String {
        let path = raw ?? FileManager.default.currentDirectoryPath
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let real = realpath(absolute, nil) else { throw CLIError("--workdir \(path) does not exist", exitCode: PDExit.usage) }
        defer { free(real) }
        return String(cString: real)
    }

    static func resolve(_ program: String, in directory: String, path: String?) throws -> String {
        do { return try ChildLauncher.resolve(program, directory: directory, pathVariable: path) } catch {
            throw CLIError("\(program) was not found on PATH (\(error.description))", exitCode: PDExit.usage)
        }
    }
}

/// Launch defaults from `.portdaddyrc` (`agents.defaults`).
struct AgentDefaults {
    var backend: String?
    var model: String?
    var budget: String?
    var timeout: String?
}
