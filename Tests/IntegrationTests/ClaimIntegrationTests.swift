import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Claims across real processes")
struct ClaimIntegrationTests {
    @Test("concurrent pd claim processes with distinct identities get distinct ports")
    func concurrentDistinct() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let running = try (0..<24).map { try daemon.spawnPD(["claim", "svc-\($0)", "-q"]) }
        let results = running.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let ports = results.compactMap { Int($0.output) }
        #expect(ports.count == 24)
        #expect(Set(ports).count == 24)
    }

    @Test("concurrent pd claim processes with one identity all get the same port")
    func concurrentSame() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let running = try (0..<24).map { _ in try daemon.spawnPD(["claim", "shared:api", "-q"]) }
        let ports = Set(running.map { $0.wait().output })
        #expect(ports.count == 1)
        #expect(Int(ports.first ?? "") != nil)
    }

    @Test("concurrent first commands start exactly one daemon and agree on the ports")
    func concurrentAutostart() throws {
        let daemon = try TestDaemon()  // not started: the CLI starts it
        let running = try (0..<8).map { try daemon.spawnPD(["claim", "auto-\($0 % 4)", "-q"]) }
        let results = running.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr)) \(daemon.daemonLog)")
        var byIdentity: [Int: Set<String>] = [:]
        for (i, result) in results.enumerated() { byIdentity[i % 4, default: []].insert(result.output) }
        #expect(byIdentity.values.allSatisfy { $0.count == 1 })
        #expect(Set(byIdentity.values.compactMap(\.first)).count == 4)
        let status = try daemon.pd(["status", "--json"])
        #expect(status.status == 0)
        #expect(try daemon.pd(["stop"]).status == 0)
    }

    @Test("a port held by a foreign listener is never handed out")
    func foreignListenerSkipped() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let identity = try Identity(parsing: "foreign:probe")
        let slot = StableHash.preferredPort(for: identity, in: 3100...9999)
        let listener = try Listener(port: slot)
        defer { listener.close() }
        let claimed = try daemon.pd(["claim", identity.description, "-q"])
        #expect(claimed.status == 0)
        #expect(Int(claimed.output) != slot)
        let explicit = try daemon.pd(["claim", "foreign:other", "--port", String(slot)])
        #expect(explicit.status == 4)
        #expect(explicit.stderr.contains("\(slot)"))
        let fallback = try daemon.pd(["claim", "foreign:other", "--port", String(slot), "--fallback", "-q"])
        #expect(fallback.status == 0)
        #expect(Int(fallback.output) != slot)
    }

    @Test("the same identity gets its port back after a release, and on another daemon with a fresh store")
    func stableAcrossReleaseAndMachines() throws {
        let a = try TestDaemon()
        try a.start()
        let first = try a.pd(["claim", "stable:web", "-q"]).output
        #expect(try a.pd(["release", "stable:web"]).status == 0)
        #expect(try a.pd(["claim", "stable:web", "-q"]).output == first)
        let b = try TestDaemon()
        try b.start()
        // A different "machine" (fresh store) picks the same deterministic port when it is free.
        #expect(try a.pd(["release", "stable:web"]).status == 0)
        #expect(try b.pd(["claim", "stable:web", "-q"]).output == first)
    }

    @Test("release by port and by pattern; find filters by pattern")
    func releaseAndFind() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let web = try daemon.pd(["claim", "shop:web", "-q"]).output
        _ = try daemon.pd(["claim", "shop:api:main", "-q"])
        _ = try daemon.pd(["claim", "blog", "-q"])
        let found = try daemon.pd(["find", "shop:*", "--json"])
        let list = try JSONDecoder().decode(ServicesResponse.self, from: Data(found.stdout.utf8))
        #expect(Set(list.services.map(\.id)) == ["shop:web", "shop:api:main"])
        #expect(try daemon.pd(["find", "nothing:here"]).status == 5)
        #expect(try daemon.pd(["release", web]).status == 0)
        let released = try daemon.pd(["release", "shop:*", "--json"])
        let response = try JSONDecoder().decode(ReleaseResponse.self, from: Data(released.stdout.utf8))
        #expect(response.released.map(\.id) == ["shop:api:main"])
        #expect(try daemon.pd(["release", "shop:*"]).status == 0)
        let rest = try JSONDecoder().decode(ServicesResponse.self, from: Data(try daemon.pd(["list", "--json"]).stdout.utf8))
        #expect(rest.services.map(\.id) == ["blog"])
    }

    @Test("pd run sets PORT and the command becomes the owner")
    func runCommand() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let result = try daemon.pd(["run", "runner", "--", "/bin/sh", "-c", "echo $PORT $$"])
        #expect(result.status == 0, "\(result.stderr)")
        let parts = result.output.split(separator: " ")
        #expect(parts.count == 2)
        let info = try daemon.client().service("runner")
        #expect(String(info.port) == parts.first.map(String.init))
        #expect(String(info.pid ?? -1) == parts.last.map(String.init))
        let missing = try daemon.pd(["run", "runner2", "--", "/nonexistent/program"])
        #expect(missing.status == 127)
    }

    @Test("the fast start path and the full command tree agree")
    func fastPathMatchesFullPath() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let fast = try daemon.pd(["claim", "fast:web", "-q", "--expires", "2h", "--sticky"])
        let full = try daemon.pd(["claim", "fast:web", "--json"])
        let response = try JSONDecoder().decode(ClaimResponse.self, from: Data(full.stdout.utf8))
        #expect(fast.output == String(response.port))
        #expect(response.sticky)
        #expect(response.expiresAt != nil)
        let human = try daemon.pd(["claim", "fast:web"])
        #expect(human.output.hasPrefix("fast:web → \(response.port) (kept;"))
        // Bad input fails the same way on both paths.
        #expect(try daemon.pd(["claim", "Bad Id", "-q"]).status == 2)
        #expect(try daemon.pd(["claim", "Bad Id", "--json"]).status == 2)
        #expect(try daemon.pd(["claim", "ok", "--port", "70000", "-q"]).status == 2)
        #expect(try daemon.pd(["claim", "ok", "--port", "x", "-q"]).status == 2)
        #expect(try daemon.pd(["claim", "ok", "--expires", "soon", "-q"]).status == 2)
        #expect(try daemon.pd(["claim", "ok", "--bogus"]).status == 2)
        // get-port with a taken preferred port falls back and says so on stderr.
        let probe = try Listener()
        let free = String(probe.port)
        probe.close()
        let held = try daemon.pd(["get-port", "holder", free])
        #expect(held.output == free)
        let fallback = try daemon.pd(["get-port", "other", free])
        #expect(fallback.status == 0)
        #expect(fallback.output != free)
        #expect(fallback.stderr.contains(free))
    }

    @Test("pd env prints shell exports of the claimed port")
    func envCommand() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let result = try daemon.pd(["env", "envy:api"])
        let port = try daemon.pd(["claim", "envy:api", "-q"]).output
        #expect(result.stdout.contains("export PORT=\(port)\n"))
    }
}
