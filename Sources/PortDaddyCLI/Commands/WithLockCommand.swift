import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

extension PD {
    /// `pd with-lock <name> -- <cmd…>`: run a command while holding a lock.
    struct WithLock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "with-lock",
            abstract: "Run a command while holding a lock; exits with the command's exit code.",
            discussion: """
                Everything after -- is the command, run directly (never through a shell). The command gets
                PD_LOCK_NAME and PD_LOCK_TOKEN (the fencing token). The lock is extended while the command runs,
                released when it exits (only if still held with that token), and released by the daemon if pd
                itself is killed. Example: pd with-lock db:migrate --wait 2m -- npm run migrate
                """)

        @Argument(help: "Lock name.") var name: String
        @Option(name: .long, help: "Lock time to live, renewed while the command runs (default 60s).") var ttl: String?
        @Option(name: .long, help: "Wait up to this long for the lock (default: fail at once if held).") var wait: String?
        @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let program = command.first else {
                throw CLIError("give the command after --, e.g. pd with-lock db:migrate -- npm run migrate", exitCode: PDExit.usage)
            }
            let lockName = try validatedLockName(name)
            let ttlValue = try durationOption(ttl, "--ttl") ?? DurationValue(seconds: 60)
            // pd itself owns the lock: if it is killed, the daemon releases the lock when it notices.
            let me = PID(system: getpid())
            let owner = "with-lock:\(me)"
            let client = try global.client()
            let lock = try attempt {
                try client.acquireLock(lockName, LockAcquireRequest(owner: owner, pid: me, ttl: ttlValue, wait: try durationOption(wait, "--wait")))
            }
            let keeper = LockKeeper(environment: global.environment, name: lockName, owner: owner, pid: me, ttl: ttlValue)
            keeper.start()
            let status: Int32
            do {
                status = try ChildProcess.run(program, command, extraEnvironment: ["PD_LOCK_NAME": lockName, "PD_LOCK_TOKEN": String(lock.token)])
            } catch {
                keeper.stop()
                _ = try? client.releaseLock(lockName, LockReleaseRequest(owner: owner, pid: me, token: lock.token))
                throw error
            }
            keeper.stop()
            _ = try? client.releaseLock(lockName, LockReleaseRequest(owner: owner, pid: me, token: lock.token))
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// Extends a lock every third of its TTL on a background thread until stopped.
final class LockKeeper: @unchecked Sendable {
    let environment: PortDaddyEnvironment
    let name: String
    let owner: String
    let pid: PID
    let ttl: DurationValue
    private let stopped = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(environment: PortDaddyEnvironment, name: String, owner: String, pid: PID, ttl: DurationValue) {
        self.environment = environment
        self.name = name
        self.owner = owner
        self.pid = pid
        self.ttl = ttl
    }

    func start() {
        let thread = Thread { [self] in
            defer { done.signal() }
            let interval = max(0.2, ttl.seconds / 3)
            while stopped.wait(timeout: .now() + interval) == .timedOut {
                do {
                    let client = PortDaddyClient(endpoint: try DaemonEndpoint.from(environment))
                    _ = try client.extendLock(name, LockExtendRequest(owner: owner, pid: pid, ttl: ttl))
                } catch {
                    Output.warn("could not extend lock \(name): \(error); the command keeps running, but the lock may pass to another holder")
                }
            }
        }
        thread.start()
    }

    func stop() {
        stopped.signal()
        done.wait()
    }
}

/// Runs a program (found on PATH, never through a shell) in pd's process group with the inherited stdio, a clean
/// signal state and no other descriptors; forwards signals other processes send pd, and returns its exit code
/// (128 + signal if it was killed). A terminal's Ctrl-C reaches the program directly.
enum ChildProcess {
    static func run(_ program: String, _ arguments: [String], extraEnvironment: [String: String]) throws -> Int32 {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in extraEnvironment { env[key] = value }
        let spec = ChildSpec(
            executable: program, arguments: Array(arguments.dropFirst()), environment: env,
            stdin: .inherit, stdout: .inherit, stderr: .inherit, group: .parent)
        let child: pid_t
        do { child = try ChildLauncher.spawn(spec) } catch {
            throw CLIError("cannot run \(program): \(error.description)", exitCode: PDExit.commandNotRunnable)
        }
        guard let code = ChildLauncher.waitForwardingSignals(child) else {
            throw CLIError("lost track of \(program): \(String(cString: strerror(errno)))")
        }
        return code
    }
}
