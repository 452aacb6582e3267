import CPortDaddySystem
import Foundation

/// Starts programs with `posix_spawn` and reaps them with `waitpid`: no shell, no run loop.
///
/// Foundation's `Process` can miss a child's exit on Linux when that child has started a long-lived grandchild
/// (as `pd` does when it starts the daemon), so tests use this instead.
public enum Subprocess {
    /// Spawns `executable` with stdin/stdout/stderr bound to the given files (or /dev/null).
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil, stdout: String? = nil, stderr: String? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        // Nothing else of the test runner (other tests' pipes and sockets) leaks into the child.
        _ = pd_spawn_addclosefrom(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // Children start with default signal handling and an empty mask, whatever the test runner ignores.
        var attributes = posix_spawnattr_t()
        _ = pd_spawnattr_init_clean(&attributes, 0)
        defer { posix_spawnattr_destroy(&attributes) }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw TestFailure("cannot run \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Waits for `pid` and returns its exit code (128 + signal when killed by a signal).
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return exitCode(status)
    }

    /// Returns the exit code if `pid` has exited, without blocking.
    public static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return exitCode(status)
    }

    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
