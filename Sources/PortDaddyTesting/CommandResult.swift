import Foundation

/// The outcome of a finished process.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// stdout without surrounding whitespace.
    public var output: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Runs a program (never through a shell) and collects its output.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil) throws -> CommandResult {
        let running = try RunningCommand(executable, arguments, environment: environment, stdin: stdin)
        return running.wait()
    }
}

/// A started process whose output is collected into files (so pipes never fill up).
public final class RunningCommand: @unchecked Sendable {
    public let process = Process()
    private let outPath: String
    private let errPath: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil) throws {
        let base = NSTemporaryDirectory() + "pdcmd-" + UUID().uuidString
        outPath = base + ".out"
        errPath = base + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        if let stdin {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(stdin.utf8))
            try? pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
    }

    public var pid: Int32 { process.processIdentifier }

    public func wait() -> CommandResult {
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        return CommandResult(status: process.terminationStatus, stdout: out, stderr: err)
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
