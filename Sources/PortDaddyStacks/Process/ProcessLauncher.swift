import PortDaddyCore
import PortDaddyStackConfig
import PortDaddySystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program to start: an executable (looked up in the child's own `PATH`), arguments, environment and working
/// directory. Never passed through a shell unless the caller made `/bin/sh` the executable.
public struct LaunchSpec: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var directory: String
    /// Pipes for stdout and stderr when true; /dev/null when false (the returned descriptors are then -1).
    public var captureOutput: Bool

    public init(executable: String, arguments: [String], environment: [String: String], directory: String, captureOutput: Bool = true) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.captureOutput = captureOutput
    }
}

/// A started child: its PID (also its process group id) and the read ends of its stdout and stderr.
public struct LaunchedProcess: Sendable {
    public var pid: Int32
    public var stdout: Int32
    public var stderr: Int32
}

/// Starts programs with `posix_spawn` in a new process group, with default signal handling, an empty signal mask,
/// stdin from /dev/null, stdout/stderr on pipes, and no other inherited descriptors.
public enum ProcessLauncher {
    /// Starts `spec`; the caller owns the returned pipe descriptors and must reap the PID.
    public static func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess {
        var out: (read: Int32, write: Int32) = (-1, -1)
        var err: (read: Int32, write: Int32) = (-1, -1)
        if spec.captureOutput {
            guard let o = ChildLauncher.pipe() else { throw .spawn(spec.executable, errno: errno) }
            guard let e = ChildLauncher.pipe() else {
                close(o.read)
                close(o.write)
                throw .spawn(spec.executable, errno: errno)
            }
            out = o
            err = e
        }
        defer {
            if spec.captureOutput {
                close(out.write)
                close(err.write)
            }
        }
        let child = ChildSpec(
            executable: spec.executable, arguments: spec.arguments, environment: spec.environment,
            directory: spec.directory, stdin: .null,
            stdout: spec.captureOutput ? .descriptor(out.write) : .null,
            stderr: spec.captureOutput ? .descriptor(err.write) : .null,
            group: .own)
        do {
            let pid = try ChildLauncher.spawn(child)
            return LaunchedProcess(pid: pid, stdout: out.read, stderr: err.read)
        } catch {
            if spec.captureOutput {
                close(out.read)
                close(err.read)
            }
            throw error
        }
    }

    /// A close-on-exec pipe into `fds`.
    static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard let pipe = ChildLauncher.pipe() else { return false }
        fds = [pipe.read, pipe.write]
        return true
    }
}
