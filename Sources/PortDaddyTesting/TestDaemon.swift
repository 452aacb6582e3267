import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

/// A real `pd daemon` on a private temporary data dir and an OS-chosen TCP port, for tests.
///
/// Every instance owns its home, its port and its processes, so tests can run in parallel and never touch the
/// user's daemon or port 9876.
public final class TestDaemon: @unchecked Sendable {
    public let home: String
    public let binary: String
    /// Extra environment for the daemon and every `pd` run (e.g. a short reaper interval).
    public let extraEnvironment: [String: String]
    /// The daemon this object started, while it runs.
    public private(set) var daemonPID: pid_t?

    /// Creates a temporary home; does not start the daemon.
    public init(environment: [String: String] = [:]) throws {
        var template = Array("/tmp/pdt-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        home = String(cString: dir)
        binary = try TestDaemon.locateBinary()
        extraEnvironment = environment
    }

    deinit {
        if let daemonPID {
            kill(daemonPID, SIGKILL)
            _ = Subprocess.wait(daemonPID)
        }
        // A daemon that `pd` started by itself (autostart) is not our child: stop it through its runtime file.
        if let info = runtimeInfo, info.home == home, lockHeld {
            kill(pid_t(info.pid), SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: home)
        try? FileManager.default.removeItem(atPath: testLog)
    }

    /// Output of daemons this object started (kept outside the home, which tests may remove).
    var testLog: String { home + "-daemon.log" }

    /// Whether a daemon holds this home's lock.
    public var lockHeld: Bool {
        DataDirLock.isHeld(home + "/daemon.lock")
    }

    /// The environment every process of this test sees.
    public var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PORT_DADDY_") { env[key] = nil }
        env["PORT_DADDY_HOME"] = home
        env["PORT_DADDY_PORT"] = "0"
        env["PORT_DADDY_PROXY_PORT"] = "0"  // off unless a test asks for it ("auto")
        env["NO_COLOR"] = "1"
        for (key, value) in extraEnvironment { env[key] = value }
        return env
    }

    public var portDaddyEnvironment: PortDaddyEnvironment { PortDaddyEnvironment(home: home) }

    /// Starts `pd daemon` as a child (with `extra` in its environment) and waits until it answers on its socket.
    @discardableResult
    public func start(arguments: [String] = [], environment extra: [String: String] = [:]) throws -> RuntimeInfo {
        let pid = try Subprocess.spawn(
            binary, ["daemon", "--log-level", "warning"] + arguments, environment: environment.merging(extra) { $1 }, stdout: testLog,
            stderr: testLog)
        daemonPID = pid
        return try waitUntilReady(startedBy: pid)
    }

    /// Waits for `daemon.json` of a daemon started as `pid` (or by autostart when `nil`).
    public func waitUntilReady(startedBy pid: pid_t? = nil, timeout: Double = 30) throws -> RuntimeInfo {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let info = runtimeInfo, pid == nil || info.pid == Int(pid!) {
                let probe = HTTPConnection(endpoint: .unix(path: info.socket))
                if (try? probe.connect()) != nil {
                    probe.close()
                    return info
                }
            }
            if let pid, let status = Subprocess.poll(pid) {
                daemonPID = nil
                throw TestFailure("daemon exited with \(status): \(daemonLog)")
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
        let a = (try? String(contentsOfFile: testLog, encoding: .utf8)) ?? ""
        let b = (try? String(contentsOfFile: home + "/daemon.log", encoding: .utf8)) ?? ""
        return a + b
    }

    /// Sends a signal (SIGTERM by default) to the daemon this object started and returns its exit code.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let pid = daemonPID else { return -1 }
        kill(pid, signal)
        daemonPID = nil
        return Subprocess.wait(pid)
    }

    /// A client over the Unix socket that never autostarts.
    public func client() -> PortDaddyClient {
        PortDaddyClient(endpoint: .unix(path: home + "/pd.sock"))
    }

    /// The TCP port the running daemon bound.
    public var tcpPort: Int { runtimeInfo?.tcpPort ?? 0 }

    /// Runs the real `pd` binary to completion.
    @discardableResult
    public func pd(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:], directory: String? = nil) throws
        -> CommandResult
    {
        try CommandResult.run(binary, arguments, environment: environment.merging(extra) { $1 }, stdin: stdin, directory: directory)
    }

    /// Starts `pd` without waiting.
    public func spawnPD(_ arguments: [String], environment extra: [String: String] = [:], ownGroup: Bool = false) throws -> RunningCommand {
        try RunningCommand(binary, arguments, environment: environment.merging(extra) { $1 }, ownGroup: ownGroup)
    }

    /// The `pd` binary next to the test bundle (or `$PD_BINARY`).
    public static func locateBinary() throws -> String {
        try locateExecutable("pd", override: "PD_BINARY")
    }

    /// A product of this package (`pd`, `pd-llm`, …) next to the test bundle, or the path in the environment variable
    /// `override` when it is set.
    public static func locateExecutable(_ name: String, override: String? = nil) throws -> String {
        if let override, let explicit = ProcessInfo.processInfo.environment[override] { return explicit }
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
            let path = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestFailure("cannot find the \(name) binary next to the tests; build it (swift build)\(override.map { " or set \($0)" } ?? "")")
    }
}

/// A failed test precondition, with its reason.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
