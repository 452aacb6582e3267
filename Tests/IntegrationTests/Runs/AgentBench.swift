import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// A test's agent workbench: a real daemon, a bin dir where the stand-in agent (`Tests/fixtures/agents/fake-agent`)
/// answers to `claude`, `codex`, `aider`, `gemini` and `fake-custom`, a plan file, and the stand-in's log of every
/// start (argv, cwd, pid, pgid, the PD_* environment).
final class AgentBench {
    let daemon: TestDaemon
    let dir: String
    let bin: String
    let workdir: String
    let planPath: String
    let logPath: String

    static let fixtures = TestDependencies.root + "/Tests/fixtures/agents"

    init(daemonEnvironment: [String: String] = [:]) throws {
        daemon = try TestDaemon(environment: ["PORT_DADDY_STOP_GRACE": "1"].merging(daemonEnvironment) { $1 })
        dir = daemon.home + "-agents"
        bin = dir + "/bin"
        workdir = dir + "/work"
        planPath = dir + "/plan.json"
        logPath = dir + "/agent-log.jsonl"
        for path in [bin, workdir] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        for name in ["claude", "codex", "aider", "gemini", "fake-custom"] {
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + name, withDestinationPath: Self.fixtures + "/fake-agent")
        }
        // `pd` itself, for the agent's own pd calls.
        try FileManager.default.createSymbolicLink(atPath: bin + "/pd", withDestinationPath: daemon.binary)
        _ = try daemon.start()
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// The environment `pd spawn` runs with: the stand-ins first on PATH, the plan and the log.
    var environment: [String: String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return ["PATH": bin + ":" + path, "FAKE_AGENT_PLAN": planPath, "FAKE_AGENT_LOG": logPath]
    }

    /// Writes the plan the next agent follows.
    func plan(_ plan: [String: Any]) throws {
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: planPath))
    }

    /// Turns of a plan: (text, input tokens, output tokens).
    static func turns(_ turns: [(String, Int, Int)], delayMs: Int = 0) -> [[String: Any]] {
        turns.map { ["text": $0.0, "input_tokens": $0.1, "output_tokens": $0.2, "cache_read": 0, "cache_write": 0, "delay_ms": delayMs] }
    }

    /// Runs `pd` with the bench's environment, in the work dir.
    func pd(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CommandResult {
        try daemon.pd(arguments, environment: environment.merging(extra) { $1 }, directory: workdir)
    }

    /// Starts `pd` without waiting.
    func spawnPD(_ arguments: [String], ownGroup: Bool = false) throws -> RunningCommand {
        try RunningCommand(
            daemon.binary, arguments, environment: daemon.environment.merging(environment) { $1 }, ownGroup: ownGroup, directory: workdir)
    }

    /// The stand-in's log: one object per start.
    var starts: [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Kills a run through the daemon's socket; a failure says whether the daemon is still up and what it logged
    /// (an intermittent "connection closed before a response" under heavy load is being tracked down).
    @discardableResult
    func kill(_ id: String) throws -> RunInfo {
        do { return try daemon.client().killRun(id) } catch {
            let alive = daemon.daemonPID.map { Glibc.kill($0, 0) == 0 } ?? false
            throw TestFailure("kill \(id) failed: \(error); daemon alive: \(alive); log tail: \(daemon.daemonLog.suffix(3000))")
        }
    }

    /// One run's record.
    func run(_ id: String) throws -> RunInfo { try daemon.client().run(id, full: true) }

    /// Waits until the run has ended and returns it.
    func ended(_ id: String, timeout: Double = 60) throws -> RunInfo {
        var info: RunInfo?
        _ = try eventually(timeout: timeout) {
            info = try run(id)
            return info?.state.isFinal == true
        }
        return try #require(info)
    }

    /// Whether any process whose command line is exactly `argv` (NUL-separated in /proc) is alive.
    static func alive(commandLine argv: [String]) -> [pid_t] {
        let wanted = argv.joined(separator: "\0")
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
        return pids.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\0") { text.removeLast() }
            guard text == wanted else { return false }
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
        }
    }
}
