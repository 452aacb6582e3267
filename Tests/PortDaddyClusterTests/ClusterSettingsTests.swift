import Foundation
import PortDaddyCore
import Testing

@testable import PortDaddyCluster

@Suite("Cluster settings: the URL, where the password comes from, node names, and never printing the password")
struct ClusterSettingsTests {
    let folder: String

    init() throws {
        var template = Array("/tmp/pdcs-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        folder = String(cString: dir)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a URL gives host, port, user and database; defaults fill the rest")
    func parsesURL() throws {
        let s = try ClusterSettings.parse(url: "postgres://pd@db.internal:6543/coord", node: "Laptop", environment: ["HOME": folder])
        #expect((s.host, s.port, s.user, s.database, s.node, s.advertisedHost) == ("db.internal", 6543, "pd", "coord", "laptop", "laptop"))
        #expect(s.password == nil && s.leaseSeconds == 10 && s.graceSeconds == 5)
        let bare = try ClusterSettings.parse(url: "postgresql://db", node: "n", environment: ["HOME": folder, "PGUSER": "alice"])
        #expect((bare.port, bare.user, bare.database) == (5432, "alice", "alice"))
    }

    @Test("bad input is one clear INVALID_REQUEST, and a password in the URL is refused without echoing it")
    func refusesBadInput() throws {
        func message(_ url: String, node: String? = "n", environment: [String: String] = [:]) -> String? {
            do {
                _ = try ClusterSettings.parse(url: url, node: node, environment: environment.merging(["HOME": folder]) { a, _ in a })
                return nil
            } catch {
                return error.code == .invalidRequest ? error.description : "wrong code \(error.code)"
            }
        }
        #expect(message("http://db/pd")?.contains("postgres://") == true)
        let withPassword = message("postgres://pd:hunter2@db/pd")
        #expect(withPassword?.contains("password") == true && withPassword?.contains("hunter2") == false)
        #expect(message("postgres:///pd")?.contains("no host") == true)
        #expect(message("postgres://db/pd", node: "no spaces")?.contains("node name") == true)
        #expect(message("postgres://db/pd", environment: ["PORT_DADDY_CLUSTER_LEASE": "0"])?.contains("PORT_DADDY_CLUSTER_LEASE") == true)
        #expect(message("postgres://db/pd", environment: ["PORT_DADDY_CLUSTER_PASSWORD_FILE": folder + "/none"])?.contains("cannot read") == true)
    }

    @Test("the password comes from the file, else PGPASSWORD, else a matching ~/.pgpass line")
    func passwordSources() throws {
        let url = "postgres://pd@db:5432/coord"
        let passfile = try file(
            "pgpass",
            """
            # comment
            other:5432:coord:pd:wrong-host
            db:5432:*:pd:from\\:pgpass
            """)
        let fromFile = try file("secret", "from-file\n")
        var env = ["HOME": folder, "PGPASSFILE": passfile, "PGPASSWORD": "from-env", "PORT_DADDY_CLUSTER_PASSWORD_FILE": fromFile]
        #expect(try ClusterSettings.parse(url: url, node: "n", environment: env).password == "from-file")
        env["PORT_DADDY_CLUSTER_PASSWORD_FILE"] = nil
        #expect(try ClusterSettings.parse(url: url, node: "n", environment: env).password == "from-env")
        env["PGPASSWORD"] = nil
        #expect(try ClusterSettings.parse(url: url, node: "n", environment: env).password == "from:pgpass")
        #expect(try ClusterSettings.parse(url: "postgres://pd@elsewhere/coord", node: "n", environment: env).password == nil)
    }

    @Test("printing, logging or dumping the settings never shows the password")
    func redacted() throws {
        let s = ClusterSettings(host: "db", port: 5432, user: "pd", password: "hunter2", database: "pd", node: "a")
        var dumped = ""
        dump(s, to: &dumped)
        for text in ["\(s)", String(reflecting: s), dumped, s.displayURL] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
    }
}
