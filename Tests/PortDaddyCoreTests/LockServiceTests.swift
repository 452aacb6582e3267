import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Locks")
struct LockServiceTests {
    func service(_ h: Harness) throws -> LockService {
        try LockService(store: try h.store(), processes: h.processes, clock: h.clock)
    }

    func take(_ locks: LockService, _ name: String, owner: String, pid: Int32? = nil, ttl: Double = 60, wait: Double = 0) async throws -> Lock {
        try await locks.acquire(LockCommand(name: try LockName(parsing: name), owner: owner, pid: pid, ttlSeconds: ttl, waitSeconds: wait))
    }

    @Test("releasing a dead owner's locks spares the ones it took after it was found dead (it came back)")
    func releaseAllSparesNewLocks() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let locks = try service(h)
        _ = try await take(locks, "old", owner: "agent-a")
        let diedAt = h.clock.nowMillis()
        h.clock.advance(seconds: 1)
        _ = try await take(locks, "new", owner: "agent-a")
        let released = locks.releaseAll(ownedBy: "agent-a", acquiredBy: diedAt)
        #expect(released.map(\.name.value) == ["old"])
        #expect(locks.list().map(\.lock.name.value) == ["new"])
    }

    @Test("fencing tokens strictly increase, also across a restart")
    func tokensIncrease() async throws {
        let h = Harness()
        defer { h.cleanup() }
        var locks = try service(h)
        var last: Int64 = 0
        for round in 0..<5 {
            if round == 3 { locks = try service(h) }
            let lock = try await take(locks, "db:migrate", owner: "a")
            #expect(lock.token > last)
            last = lock.token
            #expect(try locks.release(name: lock.name, owner: "a")?.token == lock.token)
        }
        #expect(last == 5)
    }

    @Test("a held lock refuses others; only the holder releases, unless forced")
    func ownership() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let locks = try service(h)
        let lock = try await take(locks, "build", owner: "a")
        await #expect(throws: PortDaddyError.lockHeld(name: "build", holder: "a", expiresAt: lock.expiresAt)) {
            try await take(locks, "build", owner: "b")
        }
        #expect(throws: PortDaddyError.notLockOwner(name: "build", holder: "a")) {
            try locks.release(name: lock.name, owner: "b")
        }
        #expect(throws: PortDaddyError.notLockOwner(name: "build", holder: "a")) {
            try locks.extend(name: lock.name, owner: "b", ttlSeconds: 10)
        }
        #expect(try locks.release(name: lock.name, owner: "b", force: true) != nil)
        #expect(try locks.release(name: lock.name, owner: "a") == nil)
    }

    @Test("a release with an old token does nothing")
    func staleTokenRelease() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let locks = try service(h)
        let first = try await take(locks, "x", owner: "a")
        _ = try locks.release(name: first.name, owner: "a")
        let second = try await take(locks, "x", owner: "a")
        #expect(try locks.release(name: first.name, owner: "a", token: first.token) == nil)
        #expect(locks.list().first?.lock.token == second.token)
    }

    @Test("an expired lock is free, and extending keeps it")
    func expiry() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let locks = try service(h)
        let lock = try await take(locks, "x", owner: "a", ttl: 10)
        h.clock.advance(seconds: 8)
        _ = try locks.extend(name: lock.name, owner: "a", ttlSeconds: 10)
        h.clock.advance(seconds: 8)
        await #expect(throws: PortDaddyError.self) { try await take(locks, "x", owner: "b") }
        h.clock.advance(seconds: 3)
        #expect(try await take(locks, "x", owner: "b").owner == "b")
    }

    @Test("the reaper releases a lock whose owner process died, and a reused PID does not hold it")
    func deadOwner() async throws {
        let h = Harness()
        defer { h.cleanup() }
        h.processes.start(100, at: 1)
        let locks = try service(h)
        _ = try await take(locks, "x", owner: "pid:100", pid: 100)
        #expect(try locks.reap().isEmpty)
        h.processes.start(100, at: 2)  // another process now has PID 100
        #expect(try locks.reap().map(\.reason) == ["owner-dead"])
        #expect(locks.list().isEmpty)
    }

    @Test("waiters are served first come, first served, each with a new token")
    func fifoQueue() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let locks = try service(h)
        let first = try await take(locks, "q", owner: "holder")
        let order = OrderLog()
        let b = Task {
            let l = try await take(locks, "q", owner: "b", wait: 30)
            await order.add("b", l.token)
        }
        while locks.list().first?.waiters != 1 { await Task.yield() }
        let c = Task {
            let l = try await take(locks, "q", owner: "c", wait: 30)
            await order.add("c", l.token)
        }
        while locks.list().first?.waiters != 2 { await Task.yield() }
        _ = try locks.release(name: first.name, owner: "holder")
        try await b.value
        _ = try locks.release(name: first.name, owner: "b")
        try await c.value
        #expect(await order.entries == [OrderLog.Entry(who: "b", token: 2), OrderLog.Entry(who: "c", token: 3)])
    }

    @Test("a waiter gives up after its wait")
    func waitTimeout() async throws {
        let h = Harness()
        defer { h.cleanup() }
        let locks = try service(h)
        _ = try await take(locks, "t", owner: "holder")
        await #expect(throws: PortDaddyError.lockTimeout(name: "t", holder: "holder")) {
            try await take(locks, "t", owner: "b", wait: 0.05)
        }
        #expect(locks.list().first?.waiters == 0)
    }

    @Test("lock names are validated like identities and may hold up to four segments")
    func names() throws {
        #expect(try LockName(parsing: "DB:Migrate").value == "db:migrate")
        #expect(try LockName(parsing: "a:b:c:d").value == "a:b:c:d")
        #expect(throws: IdentityError.self) { try LockName(parsing: "a:b:c:d:e") }
        #expect(throws: IdentityError.self) { try LockName(parsing: "bad name") }
        #expect(throws: IdentityError.self) { try LockName(parsing: "") }
    }
}

actor OrderLog {
    struct Entry: Equatable {
        var who: String
        var token: Int64
    }
    var entries: [Entry] = []
    func add(_ who: String, _ token: Int64) { entries.append(Entry(who: who, token: token)) }
}
