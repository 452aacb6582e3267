import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Claims")
struct ClaimServiceTests {
    @Test("a new identity's first choice is its hash slot")
    func deterministicFirstChoice() throws {
        let h = Harness()
        defer { h.cleanup() }
        let outcome = try h.service().claim(ClaimCommand(identity: id("myapp:api")))
        #expect(outcome.claim.port == 6360)
        #expect(!outcome.existing)
    }

    @Test("a repeated claim that changes nothing skips the disk write until the stored last-seen time is 10 s old; a change writes at once")
    func repeatedClaimWrites() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        let first = try service.claim(ClaimCommand(identity: id("app:web"))).claim
        func stored() throws -> Claim? { try h.store().loadClaims().first { $0.identity == id("app:web") } }
        h.clock.advance(seconds: 5)
        _ = try service.claim(ClaimCommand(identity: id("app:web")))
        #expect(try stored()?.lastSeenAt == first.lastSeenAt)
        h.clock.advance(seconds: 6)
        let later = try service.claim(ClaimCommand(identity: id("app:web"))).claim
        #expect(try stored()?.lastSeenAt == later.lastSeenAt)
        h.processes.start(4242, at: 9)
        h.clock.advance(seconds: 1)
        _ = try service.claim(ClaimCommand(identity: id("app:web"), pid: 4242))
        #expect(try stored()?.pid == 4242)
    }

    @Test("the same identity gets the same port while the claim lives")
    func sameIdentitySamePort() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        let first = try service.claim(ClaimCommand(identity: id("web")))
        let second = try service.claim(ClaimCommand(identity: id("WEB")))
        #expect(first.claim.port == second.claim.port)
        #expect(second.existing)
        #expect(service.count == 1)
    }

    @Test("distinct identities never share a port")
    func distinctPorts() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        var seen = Set<Int>()
        for i in 0..<300 {
            let port = try service.claim(ClaimCommand(identity: id("p\(i)"))).claim.port
            #expect(seen.insert(port).inserted)
        }
    }

    @Test("a port bound by another process is skipped, and so is a reserved one")
    func skipsBoundAndReserved() throws {
        var h = Harness()
        defer { h.cleanup() }
        h.ports.bind(6360)
        h.settings.reserved = [6361]
        let outcome = try h.service().claim(ClaimCommand(identity: id("myapp:api")))
        #expect(outcome.claim.port == 6362)
    }

    @Test("a bind test that fails for want of descriptors is RESOURCE_EXHAUSTED, never a taken port or an exhausted range")
    func bindTestFailure() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        h.ports.state.withLock { $0.failing = 24 }  // EMFILE
        let first = StableHash.preferredPort(for: id("myapp:api"), in: h.settings.range)
        #expect(throws: PortDaddyError.resourceExhausted("cannot test port \(first): Too many open files")) {
            try service.claim(ClaimCommand(identity: id("myapp:api")))
        }
        h.ports.state.withLock { $0.failing = nil }
        #expect(try service.claim(ClaimCommand(identity: id("myapp:api"))).claim.port > 0)
    }

    @Test("a taken --port is an error unless a fallback is allowed")
    func preferredTaken() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("a"), port: 4000))
        #expect(throws: PortDaddyError.self) { try service.claim(ClaimCommand(identity: id("b"), port: 4000)) }
        h.ports.bind(4001)
        #expect(throws: PortDaddyError.portUnavailable(port: 4001, holder: "another process on this machine")) {
            try service.claim(ClaimCommand(identity: id("b"), port: 4001))
        }
        let fallback = try service.claim(ClaimCommand(identity: id("b"), port: 4000, fallback: true))
        #expect(fallback.claim.port != 4000)
        #expect(fallback.message.contains("4000"))
    }

    @Test("a released identity gets its port back, even after a restart")
    func rememberedPort() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        let port = try service.claim(ClaimCommand(identity: id("api"), port: 5555)).claim.port
        #expect(try service.release("api").count == 1)
        let again = try h.service().claim(ClaimCommand(identity: id("api")))
        #expect(again.claim.port == port)
    }

    @Test("claims survive a restart of the service")
    func restartKeepsClaims() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        let ports = try (0..<10).map { try service.claim(ClaimCommand(identity: id("s\($0)"))).claim.port }
        let reopened = try h.service()
        #expect(reopened.statuses().map(\.claim.port) == ports.sorted())
    }

    @Test("release works by port and by pattern, and releasing nothing is fine")
    func releaseForms() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        let a = try service.claim(ClaimCommand(identity: id("app:web"))).claim.port
        _ = try service.claim(ClaimCommand(identity: id("app:api")))
        _ = try service.claim(ClaimCommand(identity: id("other")))
        #expect(try service.release(String(a)).map(\.identity) == [id("app:web")])
        #expect(try service.release("app:*").map(\.identity) == [id("app:api")])
        #expect(try service.release("app:*").isEmpty)
        #expect(service.count == 1)
        #expect(throws: PortDaddyError.self) { try service.release("bad id") }
    }

    @Test("moving a claim to a free requested port frees the old one")
    func moveToRequestedPort() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        let old = try service.claim(ClaimCommand(identity: id("web"))).claim.port
        let moved = try service.claim(ClaimCommand(identity: id("web"), port: 7777))
        #expect(moved.claim.port == 7777)
        let other = try service.claim(ClaimCommand(identity: id("x"), port: old))
        #expect(other.claim.port == old)
    }

    @Test("invalid PIDs are refused, PIDs above 99,999 are accepted")
    func pidValidation() throws {
        #expect(throws: PortDaddyError.invalidPID(0)) {
            try ClaimCommand.validated(id: "a", port: nil, fallback: nil, pid: 0, ttlSeconds: nil, sticky: nil)
        }
        #expect(throws: PortDaddyError.invalidPID(5_000_000)) {
            try ClaimCommand.validated(id: "a", port: nil, fallback: nil, pid: 5_000_000, ttlSeconds: nil, sticky: nil)
        }
        #expect(try ClaimCommand.validated(id: "a", port: nil, fallback: nil, pid: 3_999_999, ttlSeconds: nil, sticky: nil).pid == 3_999_999)
        #expect(throws: PortDaddyError.invalidPort(70000)) {
            try ClaimCommand.validated(id: "a", port: 70000, fallback: nil, pid: nil, ttlSeconds: nil, sticky: nil)
        }
    }
}
