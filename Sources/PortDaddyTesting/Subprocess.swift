import Foundation
import PortDaddySystem

/// Starts programs with `posix_spawn` and reaps them with `waitpid`: no shell, no run loop.
///
/// Foundation's `Process` can miss a child's exit on Linux when that child has started a long-lived grandchild
/// (as `pd` does when it starts the daemon), so tests use this instead.
public enum Subprocess {
    /// Spawns `executable` with stdin/stdout/stderr bound to the given files (or /dev/null), a clean signal state,
    /// and none of the test runner's other descriptors (other tests' pipes and sockets).
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil, stdout: String? = nil,
        stderr: String? = nil, ownGroup: Bool = false, directory: String? = nil
    ) throws -> pid_t {
        let spec = ChildSpec(
            executable: executable, arguments: arguments, environment: environment, directory: directory,
            stdin: stdin.map { .file($0) } ?? .null, stdout: stdout.map { .file($0) } ?? .null,
            stderr: stderr.map { .file($0) } ?? .null, group: ownGroup ? .own : .parent)
        do { return try ChildLauncher.spawn(spec) } catch {
            throw TestFailure("cannot run \(executable): \(error.description)")
        }
    }

    /// Waits for `pid` and returns its exit code (128 + signal when killed by a signal).
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return ChildLauncher.exitCode(fromWaitStatus: status)
    }

    /// Returns the exit code if `pid` has exited, without blocking.
    public static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return ChildLauncher.exitCode(fromWaitStatus: status)
    }
}
