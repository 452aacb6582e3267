import CPortDaddySystem
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

/// Why a program could not be started.
public enum LaunchError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case directory(String)
    case spawn(String, errno: Int32)

    public var description: String {
        switch self {
        case .notFound(let name): return "\"\(name)\" was not found in the service's PATH"
        case .directory(let dir): return "working directory \(dir) does not exist"
        case .spawn(let name, let code): return "cannot start \(name): \(String(cString: strerror(code)))"
        }
    }
}

/// Starts programs with `posix_spawn` in a new process group, with default signal handling, an empty signal mask,
/// stdin from /dev/null, stdout/stderr on pipes, and no other inherited descriptors.
public enum ProcessLauncher {
    /// Starts `spec`; the caller owns the returned pipe descriptors and must reap the PID.
    public static func launch(_ spec: LaunchSpec) throws(LaunchError) -> LaunchedProcess {
        var isDir: Bool = false
        var st = stat()
        if stat(spec.directory, &st) == 0 { isDir = (st.st_mode & S_IFMT) == S_IFDIR }
        guard isDir else { throw .directory(spec.directory) }
        let path = try resolve(spec.executable, directory: spec.directory, pathVariable: spec.environment["PATH"])
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        if spec.captureOutput {
            guard makePipe(&out) else { throw .spawn(spec.executable, errno: errno) }
            guard makePipe(&err) else {
                close(out[0])
                close(out[1])
                throw .spawn(spec.executable, errno: errno)
            }
        }
        defer {
            if spec.captureOutput {
                close(out[1])
                close(err[1])
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if spec.captureOutput {
            posix_spawn_file_actions_adddup2(&actions, out[1], 1)
            posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Our own descriptors are close-on-exec; closing everything above stderr also covers libraries' ones.
        _ = pd_spawn_addclosefrom(&actions, 3)
        guard pd_spawn_addchdir(&actions, spec.directory) == 0 else {
            if spec.captureOutput {
                close(out[0])
                close(err[0])
            }
            throw .spawn(spec.executable, errno: ENOSYS)
        }
        var attributes = posix_spawnattr_t()
        _ = pd_spawnattr_init_clean(&attributes, 1)
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = spec.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            if spec.captureOutput {
                close(out[0])
                close(err[0])
            }
            throw .spawn(spec.executable, errno: rc)
        }
        return LaunchedProcess(pid: pid, stdout: out[0], stderr: err[0])
    }

    /// The absolute path of `name`: as given when it has a slash (relative to `directory`), else the first
    /// executable match in `pathVariable`.
    static func resolve(_ name: String, directory: String, pathVariable: String?) throws(LaunchError) -> String {
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : directory + "/" + name
            guard access(path, X_OK) == 0 else { throw .notFound(name) }
            return path
        }
        let search = pathVariable ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in search.split(separator: ":", omittingEmptySubsequences: true) {
            let base = dir.hasPrefix("/") ? String(dir) : directory + "/" + dir
            let candidate = base + "/" + name
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        throw .notFound(name)
    }

    static func makePipe(_ fds: inout [Int32]) -> Bool {
        pd_pipe_cloexec(&fds) == 0
    }
}
