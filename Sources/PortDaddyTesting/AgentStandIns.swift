import Foundation

/// The stand-ins for agent CLIs and LLM servers under `Tests/fixtures/agents/` (SEED-FEATURES.md §B.0), and the
/// small tools tests need around them.
public enum AgentStandIns {
    /// `Tests/fixtures/agents`.
    public static let directory = TestDependencies.root + "/Tests/fixtures/agents"
    /// The one `fake-agent` script; its output format follows the name it is run under.
    public static let fakeAgent = directory + "/fake-agent"
    /// The loopback LLM server (`fake_llm.py PLAN LOG`).
    public static let fakeLLM = directory + "/fake_llm.py"
    /// The names fake-agent answers to, each in its backend's native output format.
    public static let agentNames = ["claude", "codex", "aider", "gemini", "fake-custom"]

    /// A new temporary directory holding symlinks to fake-agent named `claude`, `codex`, `aider`, `gemini` and
    /// `fake-custom`, to put first on a test's PATH.
    public static func makeBinDirectory() throws -> String {
        let dir = try makeTemporaryDirectory(prefix: "pd-fake-bin")
        for name in agentNames {
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + name, withDestinationPath: fakeAgent)
        }
        return dir
    }

    /// A new empty temporary directory.
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        return String(cString: dir)
    }

    /// The system `python3` on PATH (the stand-ins need nothing beyond its standard library).
    public static func python3() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/python3") {
            return "\(dir)/python3"
        }
        throw TestFailure("python3 not found: run the tests with scripts/test (it runs scripts/install-test-deps.sh first)")
    }

    /// Writes `object` as JSON to `path`.
    public static func writeJSON(_ object: Any, to path: String) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The JSON objects of a JSON-lines file (an absent file has none); a line that is not an object fails.
    public static func jsonLines(_ path: String) throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return try jsonLines(text: text)
    }

    /// The JSON objects of JSON-lines text.
    public static func jsonLines(text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("not a JSON object: \(line)")
            }
            return object
        }
    }

    /// Runs `executable` with descriptor 3 appending to `fd3File` (as the daemon gives a custom agent or pd-llm its
    /// usage pipe). Only tests do this through `/bin/sh`: `exec` replaces the shell, so the program's argv, PID and
    /// environment are exactly the given ones.
    public static func runWithDescriptor3(
        _ executable: String, _ arguments: [String], environment: [String: String], fd3File: String, stdin: String? = nil,
        directory: String? = nil
    ) throws -> CommandResult {
        var env = environment
        env["PD_TEST_FD3_FILE"] = fd3File
        return try CommandResult.run(
            "/bin/sh", ["-c", "exec \"$0\" \"$@\" 3>>\"$PD_TEST_FD3_FILE\"", executable] + arguments, environment: env, stdin: stdin,
            directory: directory)
    }
}
