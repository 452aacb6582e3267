import Foundation
import PortDaddyTesting
import Testing

/// The first README's maintenance line, `sqlite3 <db> "SELECT * FROM port_assignments;"`, against our database.
@Suite("port_assignments view")
struct PortAssignmentsViewTests {
    /// The SQL of the first README's "View database" line, verbatim.
    static let readmeLine = "SELECT * FROM port_assignments;"

    func sqlite3(_ database: String, _ sql: String, header: Bool = false) throws -> CommandResult {
        try TestDependencies.requireCommand("sqlite3")
        return try CommandResult.run(
            "/usr/bin/env", ["sqlite3"] + (header ? ["-header"] : []) + [database, sql], environment: ProcessInfo.processInfo.environment)
    }

    @Test("the README's sqlite3 line lists the claims as port|project|pid|started|last_seen, and the view takes no writes")
    func readmeLineWorks() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let port = try daemon.pd(["claim", "myapp:api", "-q", "--pid", "1"]).output
        let other = try daemon.pd(["claim", "myapp:web", "-q"]).output
        let services = try daemon.client().services().services
        let api = try #require(services.first { $0.id == "myapp:api" })
        let database = daemon.home + "/registry.sqlite"
        let result = try sqlite3(database, Self.readmeLine, header: true)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "port|project|pid|started|last_seen")
        let row = try #require(lines.first { $0.hasPrefix("\(port)|") }, "\(result.stdout)")
        let fields = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        #expect(fields.count == 5)
        #expect(fields[1] == "myapp:api" && fields[2] == "1", "\(row)")
        // started and last_seen are milliseconds since 1970, as they were in the first Port Daddy.
        #expect(Int64(fields[3]) == api.claimedAt, "\(row) vs \(api)")
        #expect((Int64(fields[4]) ?? 0) >= (Int64(fields[3]) ?? .max))
        #expect(lines.contains { $0.hasPrefix("\(other)|myapp:web|") })
        #expect(lines.count == 3)
        let write = try sqlite3(database, "INSERT INTO port_assignments VALUES (4000, 'x', 1, 1, 1);")
        #expect(write.status != 0 && write.stderr.contains("view"), "\(write.stderr)")
        #expect(try sqlite3(database, "SELECT count(*) FROM port_assignments;").output == "2")
    }
}
