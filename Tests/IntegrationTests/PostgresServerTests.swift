import Foundation
import PortDaddySystem
import PortDaddyTesting
import Testing

/// The private PostgreSQL server the cluster tests run against: a real `postgres` on 127.0.0.1 that `pd` reaches
/// with a password, that keeps its data over a stop and a start, and that leaves nothing behind.
@Suite("PostgresServer: a private PostgreSQL for the tests")
struct PostgresServerTests {
    /// Runs `sql` with `psql` over TCP against `url`, with `password` in PGPASSWORD.
    static func psqlOverTCP(_ server: PostgresServer, url: String, password: String, _ sql: String) throws -> CommandResult {
        var environment = server.clientEnvironment
        environment["PGPASSWORD"] = password
        return try CommandResult.run(
            server.binDirectory + "/psql", ["-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], environment: environment)
    }

    @Test("pd logs in over TCP with its password and a wrong one is refused; the superuser too; the password file holds it")
    func passwordLogin() throws {
        let server = try PostgresServer.start()
        defer { server.teardown() }
        #expect(server.url == "postgres://pd@127.0.0.1:\(server.port)/pd")
        #expect(server.isRunning)

        let login = try Self.psqlOverTCP(server, url: server.url, password: server.password, "SELECT current_user, current_database()")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.output == "pd|pd")
        let wrong = try Self.psqlOverTCP(server, url: server.url, password: server.password + "x", "SELECT 1")
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("password authentication failed"), "\(wrong.stderr)")
        let superuser = try Self.psqlOverTCP(
            server, url: server.superuserURL, password: server.superuserPassword, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        #expect(superuser.status == 0, "\(superuser.stderr)")
        #expect(superuser.output == "t")

        // pd is no superuser; the server listens on loopback only.
        #expect(try server.psql("SELECT rolsuper FROM pg_roles WHERE rolname = 'pd'") == "f\n")
        #expect(try server.psql("SHOW listen_addresses") == "127.0.0.1\n")

        try server.createDatabase("pd_two")
        let other = "postgres://pd@127.0.0.1:\(server.port)/pd_two"
        let created = try Self.psqlOverTCP(server, url: other, password: server.password, "CREATE TABLE t (x int)")
        #expect(created.status == 0, "\(created.stderr)")

        var template = Array("/tmp/pgt-pw-XXXXXX".utf8CString)
        let dir = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try server.writePasswordFile(in: dir)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == server.password)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        #expect(throws: (any Error).self) { try server.psql("SELECT * FROM no_such_table") }
    }

    @Test("data written before a stop is there after a start on the same port, after a fast and after an immediate stop")
    func restartKeepsData() throws {
        let server = try PostgresServer.start()
        defer { server.teardown() }
        let port = server.port
        let create = try Self.psqlOverTCP(
            server, url: server.url, password: server.password, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('one')")
        #expect(create.status == 0, "\(create.stderr)")

        try server.stop()
        #expect(!server.isRunning)
        let refused = try Self.psqlOverTCP(server, url: server.url, password: server.password, "SELECT 1")
        #expect(refused.status != 0, "nothing answers while it is stopped")
        try server.start()
        #expect(server.isRunning && server.port == port)
        let insert = try Self.psqlOverTCP(server, url: server.url, password: server.password, "INSERT INTO kept VALUES ('two')")
        #expect(insert.status == 0, "\(insert.stderr)")

        try server.stop(immediate: true)
        #expect(!server.isRunning)
        try server.start()
        let read = try Self.psqlOverTCP(server, url: server.url, password: server.password, "SELECT string_agg(v, ',' ORDER BY v) FROM kept")
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.output == "one,two")
    }

    @Test("teardown leaves no postgres process and no directory")
    func teardownCleansUp() throws {
        let server = try PostgresServer.start()
        let postmaster = try #require(server.postmasterPID)
        let processes = [postmaster] + ProcStatus.children(of: postmaster)
        #expect(processes.count > 1, "the postmaster and its helpers (checkpointer, …)")
        #expect(ProcStatus.commandLine(postmaster).contains(server.dataDirectory))

        server.teardown()
        let alive = processes.filter { pid in ProcStat.read(pid).map { !$0.isZombie } ?? false }
        #expect(alive.isEmpty, "\(alive.map(ProcStatus.commandLine))")
        #expect(!FileManager.default.fileExists(atPath: server.directory))
        #expect(!server.isRunning)
        server.teardown()  // a second call does nothing
    }
}
