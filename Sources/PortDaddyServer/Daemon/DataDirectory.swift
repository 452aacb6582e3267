import Foundation
import PortDaddyAPI

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
        if st.st_uid == getuid() && (st.st_mode & 0o077) != 0 { chmod(home, 0o700) }
        let fd = open(environment.lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .dataDirectory("cannot open \(environment.lockFile): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .alreadyRunning(DataDirectory.readRuntime(environment), home: home)
        }
        lockFD = fd
    }

    deinit {
        close(lockFD)
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
