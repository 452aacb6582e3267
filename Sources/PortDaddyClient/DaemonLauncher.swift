import Foundation
import PortDaddyAPI
import PortDaddySystem

/// Starts a background daemon (`pd daemon`) for a data dir and waits until it answers.
public struct DaemonLauncher: Sendable {
    public let environment: PortDaddyEnvironment
    public let endpoint: DaemonEndpoint

    public init(environment: PortDaddyEnvironment, endpoint: DaemonEndpoint) {
        self.environment = environment
        self.endpoint = endpoint
    }

    /// Starts the daemon unless `PORT_DADDY_NO_AUTOSTART` is set or the endpoint is not local.
    public func startIfAllowed() throws(ClientError) -> Bool {
        if environment.noAutostart {
            throw .unreachable(
                endpoint: endpoint.description,
                reason: "not running, and PORT_DADDY_NO_AUTOSTART is set")
        }
        if case .tcp(let host, _) = endpoint, !["127.0.0.1", "::1"].contains(host) { return false }
        try start()
        return true
    }

    /// Spawns `pd daemon` detached in its own session, output appended to `daemon.log`, and waits for it.
    ///
    /// Clients that find no daemon at the same moment (several `pd` commands at login, or one program's threads) take
    /// turns through `autostart.lock` in the data dir: the first spawns and waits; each later one finds it answering
    /// and spawns nothing, so one start makes one daemon process.
    public func start(timeoutSeconds: Double = 15) throws(ClientError) {
        mkdir(environment.home, 0o700)
        let turn = open(environment.home + "/autostart.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { if turn >= 0 { close(turn) } }  // closing it ends the turn
        if turn >= 0 {
            while flock(turn, LOCK_EX) != 0 && errno == EINTR {}
            let probe = HTTPConnection(endpoint: endpoint)
            if (try? probe.connect()) != nil {
                probe.close()
                return
            }
        }
        let exe = try Self.daemonProgram()
        var env = ProcessInfo.processInfo.environment
        env["PORT_DADDY_HOME"] = environment.home
        // A client run under systemd (a service's script) must not lend the daemon it starts its service's
        // notify socket: that daemon is not the service.
        for name in SystemdNotifier.variables { env[name] = nil }
        if case .tcp(_, let port) = endpoint { env["PORT_DADDY_PORT"] = String(port) }
        let pid = try Self.spawnDetached(executable: exe, arguments: [exe, "daemon"], environment: env, log: environment.logFile)
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            let probe = HTTPConnection(endpoint: endpoint)
            if (try? probe.connect()) != nil {
                probe.close()
                return
            }
            // The daemon we started may have lost a race to another one; that one will answer soon.
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid, !Self.anotherDaemonHolds(environment) {
                throw .autostartFailed("the daemon exited at start: " + (Self.lastLogLine(environment) ?? "see \(environment.logFile)"))
            }
            usleep(5_000)
        }
        throw .autostartFailed("it did not answer within \(Int(timeoutSeconds)) s; see \(environment.logFile)")
    }

    static func anotherDaemonHolds(_ environment: PortDaddyEnvironment) -> Bool {
        DataDirLock.isHeld(environment.lockFile)
    }

    /// The daemon log's last non-empty line without its `pd: ` prefix (why a daemon could not start).
    static func lastLogLine(_ environment: PortDaddyEnvironment) -> String? {
        guard let data = FileManager.default.contents(atPath: environment.logFile) else { return nil }
        let lines = String(decoding: data.suffix(4096), as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let last = lines.last(where: { !$0.isEmpty }) else { return nil }
        return last.hasPrefix("pd: ") ? String(last.dropFirst(4)) : last
    }

    /// The program that runs `daemon`: `pd-daemon` next to this executable, else `pd` there, else this
    /// executable when it is `pd` itself. Never another program (pd-mcp running itself with `daemon` would start an
    /// MCP server that autostarts again, without end).
    static func daemonProgram() throws(ClientError) -> String {
        let me = executablePath()
        let dir = (me as NSString).deletingLastPathComponent
        for name in ["pd-daemon", "pd"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        if (me as NSString).lastPathComponent == "pd" { return me }
        throw .autostartFailed("no pd-daemon or pd next to \(me) to start the daemon with; start it with pd start")
    }

    /// The path of the running executable.
    public static func executablePath() -> String { ExecutablePath.current() }

    /// Spawns a process in a new session with stdin from /dev/null and stdout/stderr appended to `log`.
    static func spawnDetached(executable: String, arguments: [String], environment: [String: String], log: String) throws(ClientError) -> pid_t {
        let spec = ChildSpec(
            executable: executable, arguments: Array(arguments.dropFirst()), environment: environment,
            stdin: .null, stdout: .file(log), stderr: .file(log), group: .session)
        do { return try ChildLauncher.spawn(spec) } catch {
            throw .autostartFailed("cannot run \(executable): \(error.description)")
        }
    }
}
