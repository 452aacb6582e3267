import Foundation
import PortDaddySystem

/// A private PostgreSQL server for one test suite: its own temporary directory, data, log and Unix socket, listening
/// only on 127.0.0.1 at a free TCP port.
///
/// It uses Debian's server binaries (the newest `/usr/lib/postgresql/<version>/bin`, installed by
/// `scripts/install-test-deps.sh`). `initdb` and `postgres` refuse to run as root, so when the tests run as root
/// (CI) they run as the Debian `postgres` user through `setpriv`, and the directory belongs to that user. Every
/// program is started without a shell.
///
/// The server has a superuser (``superuser``, trusted over the Unix socket, a password over TCP) and a login role
/// `pd` with a random password that owns the database `pd`. TCP connections need a password (SCRAM-SHA-256).
public final class PostgresServer: @unchecked Sendable {
    /// The directory of `initdb`, `pg_ctl`, `postgres` and `psql`.
    public let binDirectory: String
    /// The temporary directory holding the data (`data/`), the log (`postgres.log`) and the Unix socket.
    public let directory: String
    /// The TCP port on 127.0.0.1; a restart keeps it.
    public private(set) var port: Int
    /// The login role the product connects as.
    public let user = "pd"
    /// The password of ``user`` (random per server).
    public let password: String
    /// The database ``user`` owns.
    public let database = "pd"
    /// The superuser's name.
    public let superuser = "postgres"
    /// The superuser's password over TCP (random per server); over the Unix socket it needs none.
    public let superuserPassword: String

    /// The user the server runs as when the tests run as root; nil when it runs as the current user.
    private let owner: (name: String, uid: uid_t, gid: gid_t)?
    private let lock = NSLock()
    private var tornDown = false

    /// `postgres://pd@127.0.0.1:PORT/pd`, with no password in it (see ``writePasswordFile(in:)``).
    public var url: String { "postgres://\(user)@127.0.0.1:\(port)/\(database)" }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`, with no password in it (see ``superuserPassword``).
    public var superuserURL: String { "postgres://\(superuser)@127.0.0.1:\(port)/postgres" }

    /// The data directory.
    public var dataDirectory: String { directory + "/data" }

    /// The server's log file.
    public var logFile: String { directory + "/postgres.log" }

    /// The directory of the server's Unix socket (`.s.PGSQL.PORT`), where the superuser is trusted.
    public var socketDirectory: String { directory }

    /// Makes a fresh cluster in a temporary directory, starts it on a free port and creates the role and database
    /// `pd`. Throws (saying to run `scripts/install-test-deps.sh`) when the server binaries are missing.
    public static func start() throws -> PostgresServer {
        let server = try PostgresServer(binDirectory: try locateBinaries())
        do {
            try server.initialize()
            try server.startFirstTime()
            try server.psql("CREATE ROLE \(server.user) WITH LOGIN PASSWORD '\(server.password)'")
            try server.psql("CREATE DATABASE \(server.database) OWNER \(server.user)")
        } catch {
            server.teardown()
            throw error
        }
        return server
    }

    private init(binDirectory: String) throws {
        self.binDirectory = binDirectory
        password = PostgresServer.randomSecret()
        superuserPassword = PostgresServer.randomSecret()
        if getuid() == 0 {
            guard let entry = getpwnam("postgres") else {
                throw TestFailure("the user postgres is missing: run scripts/install-test-deps.sh (Debian's postgresql makes it)")
            }
            owner = ("postgres", entry.pointee.pw_uid, entry.pointee.pw_gid)
        } else {
            owner = nil
        }
        var template = Array("/tmp/pgt-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed: \(String(cString: strerror(errno)))") }
        directory = String(cString: made)
        port = 0
        if let owner, chown(directory, owner.uid, owner.gid) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: directory)
            throw TestFailure("cannot give \(directory) to \(owner.name): \(reason)")
        }
    }

    deinit { teardown() }

    /// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`, `pg_ctl`, `postgres` and `psql`.
    public static func locateBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
        for version in versions {
            let bin = "\(root)/\(version)/bin"
            if ["initdb", "pg_ctl", "postgres", "psql"].allSatisfy({ FileManager.default.isExecutableFile(atPath: "\(bin)/\($0)") }) {
                return bin
            }
        }
        throw TestFailure(
            "no PostgreSQL server binaries in \(root)/*/bin (initdb, pg_ctl, postgres, psql): run scripts/install-test-deps.sh")
    }

    /// Runs `initdb` and writes the server's settings.
    private func initialize() throws {
        let passwordFile = directory + "/superuser-password"
        try writeOwned(passwordFile, superuserPassword + "\n", mode: 0o600)
        let result = try runAsOwner(
            "initdb",
            [
                "-D", dataDirectory, "-U", superuser, "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256",
                "--pwfile=\(passwordFile)", "--no-sync",
            ])
        try? FileManager.default.removeItem(atPath: passwordFile)
        guard result.status == 0 else { throw TestFailure("initdb failed (\(result.status)): \(result.stdout)\(result.stderr)") }
        let settings = """

            # PostgresServer (Port Daddy tests): a private, throw-away server. fsync is off (the OS keeps what was
            # written unless the machine itself crashes), but commits stay synchronous: a committed row must survive
            # `pg_ctl stop -m immediate`, the outage tests' crash.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(socketDirectory)'
            include_if_exists = 'port.conf'
            fsync = off
            full_page_writes = off
            shared_buffers = 16MB
            max_connections = 100
            logging_collector = off

            """
        guard let handle = FileHandle(forWritingAtPath: dataDirectory + "/postgresql.conf") else {
            throw TestFailure("cannot open \(dataDirectory)/postgresql.conf")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }

    /// Starts the new cluster on a free port, taking another one when a different process took the chosen port first.
    private func startFirstTime() throws {
        var lastError: Error?
        for _ in 0..<5 {
            let listener = try Listener(port: 0, host: "127.0.0.1")
            let chosen = listener.port
            listener.close()
            port = chosen
            do {
                try start()
                return
            } catch {
                lastError = error
                let log = serverLog
                guard log.contains("could not bind") || log.contains("already in use") else { throw error }
            }
        }
        throw lastError ?? TestFailure("no free port for PostgreSQL")
    }

    /// Starts the server (again) on ``port`` with the same data, waiting until it accepts connections (`pg_ctl -w`).
    public func start() throws {
        try writeOwned(dataDirectory + "/port.conf", "port = \(port)\n", mode: 0o600)
        let result = try runAsOwner("pg_ctl", ["start", "-w", "-t", "120", "-D", dataDirectory, "-l", logFile])
        guard result.status == 0 else {
            throw TestFailure("pg_ctl start failed (\(result.status)): \(result.stdout)\(result.stderr)\nlog:\n\(serverLog)")
        }
    }

    /// Stops the server (`pg_ctl -m fast`, or `-m immediate`: no shutdown checkpoint, as in a crash), waiting until
    /// it is gone. The data stays for ``start()``.
    public func stop(immediate: Bool = false) throws {
        let result = try runAsOwner("pg_ctl", ["stop", "-w", "-t", "120", "-D", dataDirectory, "-m", immediate ? "immediate" : "fast"])
        guard result.status == 0 else {
            throw TestFailure("pg_ctl stop failed (\(result.status)): \(result.stdout)\(result.stderr)\nlog:\n\(serverLog)")
        }
    }

    /// Whether the server runs (`pg_ctl status`).
    public var isRunning: Bool {
        (try? runAsOwner("pg_ctl", ["status", "-D", dataDirectory]))?.status == 0
    }

    /// The PID of the running server's postmaster (from `postmaster.pid`), or nil when it does not run.
    public var postmasterPID: pid_t? {
        guard isRunning, let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0) }
    }

    /// What the server has logged.
    public var serverLog: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Runs `sql` with `psql -At` as the superuser over the Unix socket (in `database`) and returns its stdout;
    /// throws with its stderr when it fails (`ON_ERROR_STOP`).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try CommandResult.run(
            binDirectory + "/psql",
            [
                "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", String(port), "-U", superuser, "-d", database,
                "-c", sql,
            ],
            environment: clientEnvironment)
        guard result.status == 0 else { throw TestFailure("psql failed (\(result.status)) for \(sql): \(result.stderr)") }
        return result.stdout
    }

    /// Creates the database `name`, owned by ``user``.
    public func createDatabase(_ name: String) throws {
        try psql("CREATE DATABASE \(PostgresServer.quoteIdentifier(name)) OWNER \(user)")
    }

    /// Writes ``password`` to a new file in `dir` readable only by its owner (0600) and returns its path.
    public func writePasswordFile(in dir: String) throws -> String {
        let path = dir + "/pd-postgres-password-\(port)"
        guard FileManager.default.createFile(atPath: path, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw TestFailure("cannot write \(path)")
        }
        return path
    }

    /// Stops the server at once (`pg_ctl -m immediate`, then SIGKILL if it is still there) and removes its directory.
    /// Runs from `deinit` when a test did not call it.
    public func teardown() {
        let done = lock.withLock {
            defer { tornDown = true }
            return tornDown
        }
        guard !done else { return }
        let pid = postmasterPID
        if pid != nil {
            try? stop(immediate: true)
        }
        if let pid, let stat = ProcStat.read(pid), !stat.isZombie {
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An environment for client programs: no variables of the test runner's (PGHOST, PGPASSWORD, …).
    public var clientEnvironment: [String: String] {
        ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "PGPASSFILE": directory + "/no-pgpass", "PGCONNECT_TIMEOUT": "30"]
    }

    /// Runs one of the server programs as the owner of the directory (through `setpriv` when the tests run as root).
    private func runAsOwner(_ program: String, _ arguments: [String]) throws -> CommandResult {
        let environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC"]
        guard let owner else { return try CommandResult.run(binDirectory + "/" + program, arguments, environment: environment) }
        return try CommandResult.run(
            "/usr/bin/setpriv",
            ["--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--clear-groups", binDirectory + "/" + program] + arguments,
            environment: environment, directory: directory)
    }

    /// Writes a file the server's user owns.
    private func writeOwned(_ path: String, _ text: String, mode: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw TestFailure("cannot write \(path)")
        }
        if let owner, chown(path, owner.uid, owner.gid) != 0 {
            throw TestFailure("cannot give \(path) to \(owner.name): \(String(cString: strerror(errno)))")
        }
    }

    /// A double-quoted SQL identifier.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// 24 random bytes as hex: safe inside a SQL string literal and a URL.
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
