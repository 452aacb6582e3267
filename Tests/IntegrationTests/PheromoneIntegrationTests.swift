import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// Pheromones through the real `pd` and daemon.
@Suite("Pheromones across real processes")
struct PheromoneIntegrationTests {
    func sniff(_ daemon: TestDaemon, _ id: String) throws -> PheromoneSniffResponse {
        try JSONDecoder().decode(
            PheromoneSniffResponse.self, from: Data(try daemon.pd(["pheromone", "sniff", "--table", "services", "--id", id, "--json"]).stdout.utf8))
    }

    @Test("20 concurrent sprays of 0.05 add to exactly 1.0; set and max; a 1 s half-life halves the value")
    func sprays() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let spray = ["pheromone", "spray", "--kind", "service", "--id", "myapp:api", "--key", "busy", "--strength", "0.05", "--half-life", "10d"]
        let running = try (0..<20).map { _ in try daemon.spawnPD(spray) }
        #expect(running.map { $0.wait().status }.allSatisfy { $0 == 0 })
        #expect(abs(try sniff(daemon, "myapp:api").total - 1.0) < 1e-6)
        #expect(try daemon.pd(Array(spray.dropLast(4)) + ["--strength", "0.3", "--mode", "set"]).output == "service myapp:api busy = 0.300")
        #expect(try daemon.pd(Array(spray.dropLast(4)) + ["--strength", "0.1", "--mode", "max"]).output.hasSuffix("0.300"))
        // Decay at read time: the value read is the formula's at the moment of the read.
        let sprayed = try JSONDecoder().decode(
            PheromoneInfo.self,
            from: Data(
                try daemon.pd([
                    "pheromone", "spray", "--kind", "service", "--id", "fast", "--key", "k", "--strength", "0.8", "--half-life", "1s", "--json",
                ])
                .stdout.utf8))
        let read = try sniff(daemon, "fast")
        let key = try #require(read.keys.first)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let expected = 0.8 * pow(2, -Double(now - sprayed.sprayedAt) / 1000)
        #expect(abs(key.value - expected) <= 0.05 * 0.8 + 0.01, "\(key.value) vs \(expected)")
        #expect(key.strength == 0.8 && key.halfLife == 1)
        let list = try daemon.pd(["pheromone", "list", "--min", "0.2"])
        #expect(list.stdout.contains("myapp:api"))
    }

    @Test("a refused claim-files makes pd pheromone files list that file with contention and its holder")
    func automaticContention() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let file = daemon.home + "/hot.swift"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let alice = ["PD_AGENT_ID": "alice"], bob = ["PD_AGENT_ID": "bob"]
        #expect(try daemon.pd(["begin", "a"], environment: alice).status == 0)
        #expect(try daemon.pd(["begin", "b"], environment: bob).status == 0)
        #expect(try daemon.pd(["claim-files", file], environment: alice).status == 0)
        #expect(try daemon.pd(["claim-files", file], environment: bob).status == 4)
        let heat = try JSONDecoder().decode(FileHeatResponse.self, from: Data(try daemon.pd(["pheromone", "files", "--json"]).stdout.utf8))
        let entry = try #require(heat.files.first)
        #expect(entry.path.hasSuffix("/hot.swift") && entry.holders == ["alice"])
        #expect((entry.keys["contention"] ?? 0) > 0 && (entry.keys["interest"] ?? 0) > 0)
        let table = try daemon.pd(["pheromone", "files"])
        #expect(table.stdout.contains("hot.swift") && table.stdout.contains("alice"))
        // The seed's route name answers the same.
        let alias: FileHeatResponse = try daemon.client().call("GET", "/pheromone/files")
        #expect(alias.files.map(\.path) == heat.files.map(\.path))
    }

    @Test("PORT_DADDY_PHEROMONE_HALF_LIFE is range-checked (1 s to 30 days): the daemon refuses to start with one clear line")
    func halfLifeRange() throws {
        for bad in ["0.5", "2592001", "soon"] {
            let daemon = try TestDaemon(environment: ["PORT_DADDY_PHEROMONE_HALF_LIFE": bad])
            let run = try CommandResult.run(daemon.binary, ["daemon"], environment: daemon.environment)
            #expect(
                run.status == 2 && run.stderr == "pd: PORT_DADDY_PHEROMONE_HALF_LIFE=\(bad) is not valid; see README \"Environment variables\"\n",
                "\(run.stderr)")
        }
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PHEROMONE_HALF_LIFE": "2592000"])
        _ = try daemon.start()
        #expect(try daemon.pd(["pheromone", "list"]).status == 0)
    }
}
