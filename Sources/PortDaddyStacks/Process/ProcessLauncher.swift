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
    /// Text written to the child's stdin (then closed); nil gives it /dev/null.
    public var input: String?
    /// Open a pipe on the child's fd 3 (the agents' usage channel); its read end is `LaunchedProcess.usage`.
    public var usageChannel: Bool

    public init(
        executable: String, arguments: [String], environment: [String: String], directory: String, captureOutput: Bool = true,
        input: String? = nil, usageChannel: Bool = false
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.captureOutput = captureOutput
        self.input = input
        self.usageChannel = usageChannel
    }
}

/// A started child: its PID (also its process group id) and the read ends of its stdout and stderr.
public struct LaunchedProcess: Sendable {
    public var pid: Int32
    public var stdout: Int32
    public var stderr: Int32
    /// The read end of the child's fd 3, or -1.
    public var usage: Int32 = -1
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
        var usage: (read: Int32, write: Int32) = (-1, -1)
        var input: (read: Int32, write: Int32) = (-1, -1)
        if spec.usageChannel, let pipe = ChildLauncher.pipe() { usage = pipe }
        if spec.input != nil, let pipe = ChildLauncher.pipe() { input = pipe }
        defer {
            for fd in [out.write, err.write, usage.write, input.read] where fd >= 0 { close(fd) }
        }
        let child = ChildSpec(
            executable: spec.executable, arguments: spec.arguments, environment: spec.environment,
            directory: spec.directory, stdin: input.read >= 0 ? .descriptor(input.read) : .null,
            stdout: spec.captureOutput ? .descriptor(out.write) : .null,
            stderr: spec.captureOutput ? .descriptor(err.write) : .null,
            group: .own, extraDescriptors: usage.write >= 0 ? [usage.write] : [])
        do {
            let pid = try ChildLauncher.spawn(child)
            if let text = spec.input, input.write >= 0 { Self.feed(text, into: input.write) }
            return LaunchedProcess(pid: pid, stdout: out.read, stderr: err.read, usage: usage.read)
        } catch {
            for fd in [out.read, err.read, usage.read, input.write] where fd >= 0 { close(fd) }
            throw error
        }
    }

    /// Writes `text` to a child's stdin pipe without blocking the caller (a child that never reads gets what fits in
    /// the pipe), then closes it.
    static func feed(_ text: String, into fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        bytes.removeAll()
        close(fd)
    }

    /// A close-on-exec pipe into `fds`.
    static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard let pipe = ChildLauncher.pipe() else { return false }
        fds = [pipe.read, pipe.write]
        return true
    }
}
