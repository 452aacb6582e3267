import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Reaper")
struct ReaperTests {
    @Test("a claim whose owner died is freed only after the grace period")
    func deadOwnerAfterGrace() throws {
        let h = Harness()
        defer { h.cleanup() }
        h.processes.start(100, at: 1)
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("web"), pid: 100))
        #expect(try service.reap().isEmpty)
        h.processes.exit(100)
        h.clock.advance(seconds: 60)
        #expect(try service.reap().isEmpty)
        #expect(service.status(of: id("web"))?.state == .dead)
        h.clock.advance(seconds: 61)
        let freed = try service.reap()
        #expect(freed.map(\.reason) == [.ownerDead])
        #expect(service.count == 0)
    }

    @Test("a reused PID (same number, other start time) does not keep a claim alive")
    func reusedPID() throws {
        let h = Harness()
        defer { h.cleanup() }
        h.processes.start(100, at: 1)
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("web"), pid: 100))
        h.processes.start(100, at: 999)  // the kernel handed PID 100 to another process
        #expect(service.status(of: id("web"))?.ownerAlive == false)
        h.clock.advance(seconds: 121)
        #expect(try service.reap().map(\.reason) == [.ownerDead])
    }

    @Test("a live owner keeps its claim forever")
    func liveOwner() throws {
        let h = Harness()
        defer { h.cleanup() }
        h.processes.start(100, at: 1)
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("web"), pid: 100))
        for _ in 0..<5 {
            h.clock.advance(seconds: 3600)
            #expect(try service.reap().isEmpty)
        }
        #expect(service.status(of: id("web"))?.state == .assigned)
    }

    @Test("a listening port keeps the claim and its listener becomes the owner")
    func adoptsListener() throws {
        let h = Harness()
        defer { h.cleanup() }
        h.processes.start(100, at: 1)
        let service = try h.service()
        let port = try service.claim(ClaimCommand(identity: id("web"), pid: 100)).claim.port
        h.processes.exit(100)  // the $(pd claim) subshell is gone…
        h.processes.start(200, at: 5)
        h.ports.listen(port, pid: 200)  // …and the dev server listens
        h.clock.advance(seconds: 500)
        #expect(try service.reap().isEmpty)
        let status = try #require(service.status(of: id("web")))
        #expect(status.claim.pid == 200)
        #expect(status.state == .listening)
        // The adopted owner is persisted.
        #expect(try h.service().status(of: id("web"))?.claim.pid == 200)
        // When the server stops, the grace period starts from when it was last seen.
        h.ports.silence(port)
        h.processes.exit(200)
        h.clock.advance(seconds: 100)
        #expect(try service.reap().isEmpty)
        h.clock.advance(seconds: 30)
        #expect(try service.reap().map(\.reason) == [.ownerDead])
    }

    @Test("an expired claim is freed even while its owner lives")
    func expiry() throws {
        let h = Harness()
        defer { h.cleanup() }
        h.processes.start(100, at: 1)
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("web"), pid: 100, ttlSeconds: 60))
        h.clock.advance(seconds: 59)
        #expect(try service.reap().isEmpty)
        h.clock.advance(seconds: 2)
        #expect(try service.reap().map(\.reason) == [.expired])
    }

    @Test("a sticky claim outlives its owner")
    func sticky() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("db"), pid: 100, sticky: true))
        h.clock.advance(seconds: 86400)
        #expect(try service.reap().isEmpty)
        #expect(service.count == 1)
    }

    @Test("a claim renewed after the reaper's snapshot is not freed by a stale verdict")
    func staleVerdictSkipped() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("web")))
        h.clock.advance(seconds: 200)
        // Re-claiming refreshes the claim, so the next pass sees a fresh one.
        _ = try service.claim(ClaimCommand(identity: id("web")))
        #expect(try service.reap().isEmpty)
    }
}
