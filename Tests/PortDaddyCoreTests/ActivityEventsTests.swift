import Foundation
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

/// The activity log as the daemon's event stream: what a follower replays from the store and what is pushed to
/// it, and the services that record their own events.
@Suite("activity events")
struct ActivityEventsTests {
    typealias World = CoordinationServiceTests.World

    @Test("a follower gets the stored records after its cursor, then each flushed record with its persisted id, each once")
    func replayThenLive() async throws {
        let w = try World()
        defer { w.h.cleanup() }
        w.activity.record(ActivityKind("one"), subject: "a")
        w.activity.record(ActivityKind("two"), subject: "b")
        try w.activity.flush()
        let first = try w.activity.list(afterID: 0, type: nil, limit: 10)
        #expect(first.map(\.type) == ["one", "two"])
        let follower = w.activity.follow(after: first[0].id)
        var events = follower.makeAsyncIterator()
        #expect(try await events.next()?.map(\.type) == ["two"])
        w.activity.record(ActivityKind("three"), subject: "c")
        try w.activity.flush()
        let live = try await events.next()
        #expect(live?.map(\.type) == ["three"])
        #expect(live?.first?.id == first[1].id + 1)
        follower.stop()
        #expect(try await events.next() == nil)
    }

    @Test("a follower of one type prefix sees only that type; one that fell behind its buffer reads what it missed from the store")
    func typeAndCatchUp() async throws {
        let w = try World()
        defer { w.h.cleanup() }
        let flood = ActivityEvents.bufferedBatches + 10
        let locks = w.activity.follow(after: 0, type: "lock")
        let all = w.activity.follow(after: 0)
        var events = all.makeAsyncIterator()
        w.activity.record(.claim, subject: "start")
        try w.activity.flush()
        var seen = try await events.next() ?? []
        // Now live: one batch per flush, more than the buffer holds.
        for n in 0..<flood {
            w.activity.record(n % 2 == 0 ? .lockRelease : .claim, subject: "s\(n)")
            try w.activity.flush()
        }
        while seen.count < flood + 1, let batch = try await events.next() { seen += batch }
        #expect(seen.map(\.subject) == ["start"] + (0..<flood).map { "s\($0)" })
        var lockEvents = locks.makeAsyncIterator()
        let firstLock = try await lockEvents.next() ?? []
        #expect(!firstLock.isEmpty && firstLock.allSatisfy { $0.type == "lock.release" })
    }

    @Test("a waiter is released by the ready signal's event alone (no probe runs in the test's span)")
    func waiterReleasedBySignal() async throws {
        let w = try World()
        defer { w.h.cleanup() }
        let api = id("waitfor:api")
        let waiter = Task { try await w.coordination.waitUntilReady([api], timeoutSeconds: 3600, probeInterval: .seconds(3600)) }
        while w.activity.events.followerCount == 0 { await Task.yield() }
        _ = try w.coordination.signal(identity: "waitfor:api", kind: "ready", detail: nil, agent: nil)
        try w.activity.flush()
        #expect(try await waiter.value == [])
    }

    @Test("the services record their own events: a new claim (not a repeated one), a release and a reap, with actor and note")
    func servicesRecord() throws {
        let w = try World()
        defer { w.h.cleanup() }
        let outcome = try w.claims.claim(ClaimCommand(identity: id("rec:web"), pid: 4242), by: "agent-1", note: "v1")
        _ = try w.claims.claim(ClaimCommand(identity: id("rec:web")), by: "agent-1")
        try w.claims.release("rec:web", by: "agent-2")
        _ = try w.claims.claim(ClaimCommand(identity: id("rec:old")))
        w.h.clock.advance(seconds: 3600)
        try w.claims.reap()
        let records = try w.activity.list(afterID: 0, type: "claim", limit: 10)
        #expect(records.map(\.type) == ["claim", "claim.release", "claim", "claim.reap"])
        #expect(records[0].actor == "agent-1" && records[0].detail == "port \(outcome.claim.port) (v1)")
        #expect(records[1].actor == "agent-2" && records[1].detail == "port \(outcome.claim.port)")
        #expect(records[3].detail?.hasSuffix("owner-dead") == true)
    }

    @Test("the lock service records grants, releases and a release by force")
    func locksRecord() async throws {
        let w = try World()
        defer { w.h.cleanup() }
        let taken = try await w.locks.acquire(LockCommand.validated(name: "db", owner: "alice", pid: nil, ttlSeconds: 60, waitSeconds: nil))
        try w.locks.release(name: taken.name, owner: "bob", force: true)
        _ = try await w.locks.acquire(LockCommand.validated(name: "db", owner: "carol", pid: nil, ttlSeconds: 60, waitSeconds: nil))
        try w.locks.release(name: taken.name, owner: "carol")
        let records = try w.activity.list(afterID: 0, type: "lock", limit: 10)
        #expect(records.map(\.type) == ["lock", "lock.force", "lock", "lock.release"])
        #expect(records[1].actor == "bob" && records[1].detail == "token \(taken.token), held by alice")
    }

    @Test("one rule for a claim's state: a new claim is assigned or dead by its owner, an existing one on a listening port is listening")
    func claimStateRule() throws {
        let w = try World()
        defer { w.h.cleanup() }
        w.h.processes.start(500, at: 9)
        let alive = try w.claims.claimReporting(ClaimCommand(identity: id("state:alive"), pid: 500))
        #expect(alive.status.state == .assigned && !alive.outcome.existing)
        let dead = try w.claims.claimReporting(ClaimCommand(identity: id("state:dead"), pid: 501))
        #expect(dead.status.state == .dead)
        w.h.ports.listen(dead.outcome.claim.port, pid: nil)
        let again = try w.claims.claimReporting(ClaimCommand(identity: id("state:dead")))
        #expect(again.outcome.existing && again.status.state == .listening)
        #expect(again.status.state == w.claims.status(of: id("state:dead"))?.state)
    }
}
