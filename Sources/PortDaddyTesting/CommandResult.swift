import Foundation

/// The outcome of a finished process.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// stdout without surrounding whitespace.
    public var output: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Runs a program (never through a shell) and collects its output.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil, directory: String? = nil)
        throws -> CommandResult
    {
        try RunningCommand(executable, arguments, environment: environment, stdin: stdin, directory: directory).wait()
    }
}

/// A started process whose output is collected into files (so pipes never fill up).
public final class RunningCommand: @unchecked Sendable {
    public let pid: pid_t
    private let base: String
    private var finished: CommandResult?

    /// Starts the process; with `ownGroup` it leads a process group of its own, as a shell's foreground job does,
    /// so a test can send that group a terminal's Ctrl-C.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil, ownGroup: Bool = false,
        directory: String? = nil
    ) throws {
        base = NSTemporaryDirectory() + "pdcmd-" + UUID().uuidString
        var stdinPath: String?
        if let stdin {
            stdinPath = base + ".in"
            try stdin.write(toFile: stdinPath!, atomically: true, encoding: .utf8)
        }
        pid = try Subprocess.spawn(
            executable, arguments, environment: environment, stdin: stdinPath, stdout: base + ".out", stderr: base + ".err", ownGroup: ownGroup,
            directory: directory)
    }

    /// What the process has written to stdout and stderr so far.
    public var outputSoFar: String {
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        return out + err
    }

    /// Waits for the exit and collects the output.
    public func wait() -> CommandResult {
        if let finished { return finished }
        let status = Subprocess.wait(pid)
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        for suffix in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: base + suffix) }
        finished = CommandResult(status: status, stdout: out, stderr: err)
        return finished!
    }
}

/// Waits for a condition, polling; returns whether it became true before the deadline.
/// Used to await asynchronous effects (a reaper pass), never to assert on timing.
public func eventually(timeout: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}
