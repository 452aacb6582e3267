import Foundation
import PortDaddyAPI
import PortDaddyClient

/// A real `pd daemon` on a private temporary data dir and an OS-chosen TCP port, for tests.
///
/// Every instance owns its home, its port and its processes, so tests can run in parallel and never touch the
/// user's daemon or port 9876.
public final class TestDaemon: @unchecked Sendable {
    public let home: String
    public let binary: String
    /// Extra environment for the daemon and every `pd` run (e.g. a short reaper interval).
    public let extraEnvironment: [String: String]
    public private(set) var process: Process?

    /// Creates a temporary home; does not start the daemon.
    public init(environment: [String: String] = [:]) throws {
        var template = Array("/tmp/pdt-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        home = String(cString: dir)
        binary = try TestDaemon.locateBinary()
        extraEnvironment = environment
    }

    deinit {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: home)
    }

    /// The environment every process of this test sees.
    public var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PORT_DADDY_") { env[key] = nil }
        env["PORT_DADDY_HOME"] = home
        env["PORT_DADDY_PORT"] = "0"
        env["NO_COLOR"] = "1"
        for (key, value) in extraEnvironment { env[key] = value }
        return env
    }

    public var portDaddyEnvironment: PortDaddyEnvironment { PortDaddyEnvironment(home: home) }

    /// Starts `pd daemon` as a child and waits until it answers on its socket.
    @discardableResult
    public func start(arguments: [String] = []) throws -> RuntimeInfo {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["daemon", "--log-level", "warning"] + arguments
        process.environment = environment
        let log = FileHandle(forWritingAtPath: home + "/test-daemon.log") ?? {
            _ = FileManager.default.createFile(atPath: home + "/test-daemon.log", contents: nil)
            return FileHandle(forWritingAtPath: home + "/test-daemon.log")!
        }()
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        return try waitUntilReady(startedBy: process)
    }

    /// Waits for `daemon.json` of a daemon started by `process` (or by autostart when `nil`).
    public func waitUntilReady(startedBy process: Process? = nil, timeout: Double = 30) throws -> RuntimeInfo {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let info = runtimeInfo, process == nil || info.pid == Int(process!.processIdentifier) {
                let probe = HTTPConnection(endpoint: .unix(path: info.socket))
                if (try? probe.connect()) != nil {
                    probe.close()
                    return info
                }
            }
            if let process, !process.isRunning {
                throw TestFailure("daemon exited with \(process.terminationStatus): \(daemonLog)")
            }
            usleep(10_000)
        }
        throw TestFailure("daemon did not become ready: \(daemonLog)")
    }

    public var runtimeInfo: RuntimeInfo? {
        guard let data = FileManager.default.contents(atPath: home + "/daemon.json") else { return nil }
        return try? JSONDecoder().decode(RuntimeInfo.self, from: data)
    }

    public var daemonLog: String {
        let a = (try? String(contentsOfFile: home + "/test-daemon.log", encoding: .utf8)) ?? ""
        let b = (try? String(contentsOfFile: home + "/daemon.log", encoding: .utf8)) ?? ""
        return a + b
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let process else { return -1 }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    /// A client over the Unix socket that never autostarts.
    public func client() -> PortDaddyClient {
        PortDaddyClient(endpoint: .unix(path: home + "/pd.sock"))
    }

    /// The TCP port the running daemon bound.
    public var tcpPort: Int { runtimeInfo?.tcpPort ?? 0 }

    /// Runs the real `pd` binary to completion.
    @discardableResult
    public func pd(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> CommandResult {
        try CommandResult.run(binary, arguments, environment: environment.merging(extra) { $1 }, stdin: stdin)
    }

    /// Starts `pd` without waiting.
    public func spawnPD(_ arguments: [String]) throws -> RunningCommand {
        try RunningCommand(binary, arguments, environment: environment)
    }

    /// The `pd` binary next to the test bundle (or `$PD_BINARY`).
    public static func locateBinary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["PD_BINARY"] { return explicit }
        var candidates: [URL] = []
        for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        var exe = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &exe, exe.count - 1)
        if n > 0 {
            let path = String(decoding: exe[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            candidates.append(URL(fileURLWithPath: path).deletingLastPathComponent())
        }
        for dir in candidates {
            let path = dir.appendingPathComponent("pd").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestFailure("cannot find the pd binary next to the tests; build it (swift build) or set PD_BINARY")
    }
}

/// A failed test precondition, with its reason.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
