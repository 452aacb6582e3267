import CPortDaddySystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place that starts processes: `posix_spawn` with a clean signal state and no inherited descriptors.
/// Stacks, `pd with-lock`, `pd watch --exec`, the daemon autostart, the bench and the tests all start children here.
public enum ChildLauncher {
    /// Starts `spec` and returns the child's PID; the caller reaps it.
    public static func spawn(_ spec: ChildSpec) throws(LaunchError) -> pid_t {
        if let directory = spec.directory {
            var st = stat()
            guard stat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { throw .directory(directory) }
        }
        let path = try resolve(
            spec.executable, directory: spec.directory ?? currentDirectory(),
            pathVariable: spec.environment["PATH"] ?? getenv("PATH").map { String(cString: $0) })
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        add(spec.stdin, as: 0, to: &actions)
        add(spec.stdout, as: 1, to: &actions)
        add(spec.stderr, as: 2, to: &actions)
        for (offset, source) in spec.extraDescriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, source, 3 + Int32(offset))
        }
        // Our own descriptors are close-on-exec; closing everything above the handed ones also covers libraries' ones.
        _ = pd_spawn_addclosefrom(&actions, 3 + Int32(spec.extraDescriptors.count))
        if let directory = spec.directory, pd_spawn_addchdir(&actions, directory) != 0 {
            throw .spawn(spec.executable, errno: ENOSYS)
        }
        var attributes = posix_spawnattr_t()
        let mode: Int32 =
            switch spec.group {
            case .parent: 0
            case .own: 1
            case .session: 2
            }
        _ = pd_spawnattr_init_clean(&attributes, mode)
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = spec.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw .spawn(spec.executable, errno: rc) }
        return pid
    }

    /// The absolute path of `name`: as given when it has a slash (relative to `directory`), else the first
    /// executable regular file of that name in `pathVariable`.
    public static func resolve(_ name: String, directory: String, pathVariable: String?) throws(LaunchError) -> String {
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

    /// A pipe whose both ends are close-on-exec, or nil with errno set.
    public static func pipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard pd_pipe_cloexec(&fds) == 0 else { return nil }
        return (fds[0], fds[1])
    }

    /// Replaces this process with `program` (looked up in PATH) after resetting every signal disposition, emptying
    /// the signal mask and marking every descriptor above stderr close-on-exec. Returns the errno only on failure.
    public static func replaceProcess(with program: String, arguments: [String]) -> Int32 {
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        _ = pd_exec_clean(program, argv)
        return errno
    }

    /// Waits for a child in our process group, forwarding signals other processes send us (a terminal's Ctrl-C
    /// reaches the child directly); returns its exit code, 128 + the signal if a signal ended it.
    public static func waitForwardingSignals(_ child: pid_t) -> Int32? {
        let status = pd_wait_forwarding(child)
        guard status >= 0 else { return nil }
        return exitCode(fromWaitStatus: status)
    }

    /// The shell convention for a wait status: the exit code, or 128 + the signal that ended the process.
    public static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signalNumber = status & 0x7f
        return signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber
    }

    private static func add(_ stream: ChildSpec.Stream, as fd: Int32, to actions: inout posix_spawn_file_actions_t) {
        switch stream {
        case .inherit: break
        case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, fd, path, fd == 0 ? O_RDONLY : (O_WRONLY | O_CREAT | O_APPEND), 0o600)
        case .descriptor(let source): posix_spawn_file_actions_adddup2(&actions, source, fd)
        }
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
