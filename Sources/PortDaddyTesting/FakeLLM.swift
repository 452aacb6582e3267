import Foundation

/// A running `Tests/fixtures/agents/fake_llm.py`: a loopback Anthropic / Ollama / OpenAI-compatible server that
/// answers as its plan says and records every request (header names, whether a key header was present, body).
/// Stopped when released.
public final class FakeLLM: @unchecked Sendable {
    public let pid: pid_t
    public let port: Int
    /// The plan file, read again by the server at every request.
    public let planPath: String
    /// The JSON-lines request log.
    public let logPath: String
    private let directory: String

    /// Starts the server with `plan` (see fake_llm.py for its fields) and waits for its `PORT <n>` line.
    public init(plan: [String: Any] = [:]) throws {
        let dir = try AgentStandIns.makeTemporaryDirectory(prefix: "pd-fake-llm")
        let (plans, log, stdout) = (dir + "/plan.json", dir + "/requests.jsonl", dir + "/stdout")
        try AgentStandIns.writeJSON(plan, to: plans)
        let child = try Subprocess.spawn(
            try AgentStandIns.python3(), [AgentStandIns.fakeLLM, plans, log], environment: ProcessInfo.processInfo.environment,
            stdout: stdout, stderr: dir + "/stderr")
        var found: Int?
        var exited = false
        _ = eventually {
            let text = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, line.hasPrefix("PORT "), text.contains("\n") { found = Int(line.dropFirst(5)) }
            exited = found == nil && Subprocess.poll(child) != nil
            return found != nil || exited
        }
        guard let found else {
            if !exited {
                kill(child, SIGKILL)
                _ = Subprocess.wait(child)
            }
            throw TestFailure("fake_llm.py did not start: \((try? String(contentsOfFile: dir + "/stderr", encoding: .utf8)) ?? "")")
        }
        (directory, planPath, logPath, pid, port) = (dir, plans, log, child, found)
    }

    deinit {
        kill(pid, SIGKILL)
        _ = Subprocess.wait(pid)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Replaces the plan; the next request follows it.
    public func setPlan(_ plan: [String: Any]) throws {
        try AgentStandIns.writeJSON(plan, to: planPath)
    }

    /// The requests received so far, oldest first.
    public func requests() throws -> [[String: Any]] {
        try AgentStandIns.jsonLines(logPath)
    }
}
