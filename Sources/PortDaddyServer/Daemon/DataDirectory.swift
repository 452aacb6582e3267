import Foundation
import PortDaddyAPI
import PortDaddySystem

/// The daemon's data dir: created private (0700), locked exclusively while a daemon runs.
struct DataDirectory: ~Copyable {
    let environment: PortDaddyEnvironment
    private let lockFD: Int32

    /// Creates the directory if needed and takes the exclusive lock, or says where the running daemon is.
    init(_ environment: PortDaddyEnvironment) throws(DaemonError) {
        self.environment = environment
        let home = environment.home
        if mkdir(home, 0o700) != 0 && errno != EEXIST {
            throw .dataDirectory("cannot create \(home): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard stat(home, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw .dataDirectory("\(home) is not a directory")
        }
        try Self.checkOwnership(home, st, isDirectory: true)
        if (st.st_mode & 0o077) != 0 { chmod(home, 0o700) }
        for file in Self.ownFiles(environment) { try Self.checkFile(file) }
        guard let fd = DataDirLock.acquire(environment.lockFile) else {
            if errno == EWOULDBLOCK { throw .alreadyRunning(DataDirectory.readRuntime(environment), home: home) }
            throw .dataDirectory("cannot open \(environment.lockFile): \(String(cString: strerror(errno)))")
        }
        lockFD = fd
    }

    deinit {
        close(lockFD)
    }

    /// Everything the daemon keeps in the data dir and trusts: another user's file among them (a planted token, a
    /// database, a socket) would let that user act with this user's authority.
    static func ownFiles(_ environment: PortDaddyEnvironment) -> [String] {
        let home = environment.home
        return [
            environment.tokenFile, environment.lockFile, environment.runtimeFile, environment.databasePath,
            environment.databasePath + "-wal", environment.databasePath + "-shm", environment.logFile,
            environment.socketPath, home + "/tls", home + "/tls/ca.key", home + "/tls/ca.crt",
        ]
    }

    /// Refuses a path that exists and is not this user's, or that others may write.
    static func checkFile(_ path: String) throws(DaemonError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        try checkOwnership(path, st, isDirectory: (st.st_mode & S_IFMT) == S_IFDIR)
    }

    static func checkOwnership(_ path: String, _ st: stat, isDirectory: Bool) throws(DaemonError) {
        let me = getuid()
        let fix = isDirectory ? "chown -R \(me) \(path) && chmod 700 \(path)" : "chown \(me) \(path) && chmod 600 \(path)"
        if st.st_uid != me {
            throw .dataDirectory(
                "\(path) belongs to uid \(st.st_uid), not to you (uid \(me)): Port Daddy keeps its token, socket and database in its data dir, "
                    + "so everything there must be yours alone. Use a data dir of your own (PORT_DADDY_HOME or --home), or if this one "
                    + "should be yours: \(fix)")
        }
        let isLink = (st.st_mode & S_IFMT) == S_IFLNK
        if !isLink && (st.st_mode & 0o022) != 0 {
            throw .dataDirectory(
                "\(path) may be written by other users (mode \(String(st.st_mode & 0o777, radix: 8))), so what is in it cannot be trusted; "
                    + "check it, then: \(isDirectory ? "chmod 700" : "chmod 600") \(path)")
        }
    }

    /// Writes `daemon.json` atomically (0600).
    func writeRuntime(_ info: RuntimeInfo) {
        guard let data = try? JSONEncoder().encode(info) else { return }
        let temp = environment.runtimeFile + ".tmp"
        _ = FileManager.default.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: 0o600])
        rename(temp, environment.runtimeFile)
    }

    /// The user's token: read from the token file, or created there (0600, 32 random bytes in hex).
    func userToken() throws(DaemonError) -> String {
        try Self.checkFile(environment.tokenFile)
        var st = stat()
        if lstat(environment.tokenFile, &st) == 0 && (st.st_mode & 0o077) != 0 {
            throw .dataDirectory(
                "\(environment.tokenFile) may be read by other users (mode \(String(st.st_mode & 0o777, radix: 8))); remove it (pd "
                    + "stop; rm \(environment.tokenFile)) and a new one is made at the next start"
            )
        }
        if let data = FileManager.default.contents(atPath: environment.tokenFile),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), text.count >= 32
        {
            return text
        }
        let token = UserAuthority.randomHex(bytes: 32)
        let temp = environment.tokenFile + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600]),
            rename(temp, environment.tokenFile) == 0
        else { throw .dataDirectory("cannot write \(environment.tokenFile)") }
        return token
    }

    func removeRuntime() {
        unlink(environment.runtimeFile)
    }

    static func readRuntime(_ environment: PortDaddyEnvironment) -> RuntimeInfo? {
        guard let data = FileManager.default.contents(atPath: environment.runtimeFile) else { return nil }
        return try? JSONDecoder().decode(RuntimeInfo.self, from: data)
    }
}
