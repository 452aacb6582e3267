import Foundation
import GRDB
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

/// The arbiter's invariants as pure checks over made-up snapshots (one violating state each), and the arbiter on a
/// real SQLite file: the note triggers, the kept mode, a squatting agent declared dead in strict mode.
@Suite("arbiter (core)")
struct ArbiterTests {
    static let now: Int64 = 1_800_000_000_000

    static func agent(
        _ id: String, pid: Int32? = nil, start: UInt64? = nil, alive: Bool = false, state: String = "active", registeredAt: Int64 = now - 1000,
        heartbeat: Int64 = now, ttl: Int64 = 60_000, diedAt: Int64? = nil
    ) -> ArbiterSnapshot.Agent {
        .init(
            id: id, pid: pid, pidStart: start, pidAlive: alive, state: state, registeredAt: registeredAt, lastHeartbeat: heartbeat, ttlMillis: ttl,
            diedAt: diedAt)
    }

    static func snapshot(
        agents: [ArbiterSnapshot.Agent] = [], locks: [ArbiterSnapshot.Lock] = [], balances: [String: Int64] = [:],
        bonds: [ArbiterSnapshot.Bond] = [], regressions: [(id: Int64, session: String)] = [], now: Int64 = now
    ) -> ArbiterSnapshot {
        ArbiterSnapshot(now: now, agents: agents, locks: locks, balances: balances, bonds: bonds, noteRegressions: regressions)
    }

    @Test("PID_SQUATTING: a second live agent on one (pid, start) offends, the first does not; other starts or dead PIDs do not")
    func pidSquatting() {
        let first = Self.agent("first", pid: 42, start: 7, alive: true, registeredAt: Self.now - 5000)
        let second = Self.agent("second", pid: 42, start: 7, alive: true, registeredAt: Self.now - 1000)
        let findings = InvariantChecks.pidSquatting(Self.snapshot(agents: [second, first]))
        #expect(findings.map(\.agent) == ["second"])
        #expect(findings.first?.severity == .critical)
        #expect(InvariantChecks.squatted(by: "second", pid: 42, start: 7, in: Self.snapshot(agents: [first, second]))?.agent == "second")
        // A PID reused by a new process (another start time), or a dead first holder: no squatting.
        let reused = Self.agent("reused", pid: 42, start: 8, alive: true)
        #expect(InvariantChecks.pidSquatting(Self.snapshot(agents: [first, reused])).isEmpty)
        let gone = Self.agent("gone", pid: 42, start: 7, alive: true, state: "dead")
        #expect(InvariantChecks.pidSquatting(Self.snapshot(agents: [gone, second])).isEmpty)
    }

    @Test("NOTE_MONOTONICITY: a note older than the one before it in its session is a violation")
    func noteMonotonicity() {
        #expect(InvariantChecks.noteMonotonicity(Self.snapshot()).isEmpty)
        let findings = InvariantChecks.noteMonotonicity(Self.snapshot(regressions: [(id: 9, session: "s-1")]))
        #expect(findings.count == 1 && findings[0].key == "note:9" && findings[0].detail.contains("s-1"))
    }

    @Test("ESCROW_POSITIVITY: a negative balance, a zero escrowed bond, a bond slashed beyond its amount")
    func escrowPositivity() {
        let good = Self.snapshot(
            balances: ["ok": 0, "rich": 5_000_000],
            bonds: [.init(id: "b1", project: "ok", amountMicros: 1_000_000, slashedMicros: 0, state: "escrowed")])
        #expect(InvariantChecks.escrowPositivity(good).isEmpty)
        let bad = Self.snapshot(
            balances: ["broke": -1],
            bonds: [
                .init(id: "zero", project: "p", amountMicros: 0, slashedMicros: 0, state: "escrowed"),
                .init(id: "over", project: "p", amountMicros: 10, slashedMicros: 11, state: "held"),
                .init(id: "settled", project: "p", amountMicros: 0, slashedMicros: 0, state: "returned"),
            ])
        #expect(Set(InvariantChecks.escrowPositivity(bad).map(\.key)) == ["wallet:broke", "bond:zero", "bond:over"])
    }

    @Test("LOCK_OWNER_VALIDITY: a dead owner is tolerated for one interval, then reported; a token above the counter is reported")
    func lockOwnerValidity() {
        let grace: Int64 = 30_000
        let pidLock = ArbiterSnapshot.Lock(name: "db", owner: "pid:9", pid: 9, pidAlive: false, token: 3, lastToken: 3, expiresAt: Self.now + 600_000)
        let first = InvariantChecks.lockOwnerValidity(Self.snapshot(locks: [pidLock]), graceMillis: grace, firstSeenDead: [:])
        #expect(first.findings.isEmpty)
        #expect(first.firstSeenDead["lock:db:3"] == Self.now)
        let later = InvariantChecks.lockOwnerValidity(
            Self.snapshot(locks: [pidLock], now: Self.now + grace + 1), graceMillis: grace, firstSeenDead: first.firstSeenDead)
        #expect(later.findings.map(\.key) == ["lock:db:3"])
        // The owner agent died long ago, with no PID on the lock.
        let dead = Self.agent("ghost", state: "dead", diedAt: Self.now - 120_000)
        let agentLock = ArbiterSnapshot.Lock(
            name: "q", owner: "ghost", pid: nil, pidAlive: nil, token: 1, lastToken: 1, expiresAt: Self.now + 600_000)
        let found = InvariantChecks.lockOwnerValidity(Self.snapshot(agents: [dead], locks: [agentLock]), graceMillis: grace, firstSeenDead: [:])
        #expect(found.findings.map(\.agent) == ["ghost"])
        // A live holder whose token ran ahead of the fencing counter.
        let ahead = ArbiterSnapshot.Lock(name: "t", owner: "me", pid: 5, pidAlive: true, token: 9, lastToken: 4, expiresAt: Self.now + 1000)
        #expect(
            InvariantChecks.lockOwnerValidity(Self.snapshot(locks: [ahead]), graceMillis: grace, firstSeenDead: [:]).findings.map(\.key) == [
                "token:t:9"
            ])
        let fine = ArbiterSnapshot.Lock(name: "ok", owner: "me", pid: 5, pidAlive: true, token: 4, lastToken: 4, expiresAt: Self.now + 1000)
        #expect(InvariantChecks.lockOwnerValidity(Self.snapshot(locks: [fine]), graceMillis: grace, firstSeenDead: [:]).findings.isEmpty)
    }

    @Test("HEARTBEAT_FRESHNESS: an active agent past its TTL by more than one interval, or with a PID gone that long")
    func heartbeatFreshness() {
        let grace: Int64 = 30_000
        let fresh = Self.agent("fresh", heartbeat: Self.now - 10_000)
        let late = Self.agent("late", heartbeat: Self.now - 60_000 - 10_000)
        let stale = Self.agent("stale", heartbeat: Self.now - 60_000 - grace - 1)
        let result = InvariantChecks.heartbeatFreshness(Self.snapshot(agents: [fresh, late, stale]), graceMillis: grace, firstSeenDead: [:])
        #expect(result.findings.map(\.agent) == ["stale"])
        let pidGone = Self.agent("pid", pid: 3, start: 1, alive: false)
        let seen = InvariantChecks.heartbeatFreshness(Self.snapshot(agents: [pidGone]), graceMillis: grace, firstSeenDead: [:])
        #expect(seen.findings.isEmpty)
        let after = InvariantChecks.heartbeatFreshness(
            Self.snapshot(agents: [pidGone], now: Self.now + grace + 1), graceMillis: grace, firstSeenDead: seen.firstSeenDead)
        #expect(after.findings.map(\.agent) == ["pid"])
    }

    @Test("CAPABILITY_ESCALATION and synthetic violations are counted; an unknown invariant is not found")
    func reporting() throws {
        let w = try World()
        defer { w.h.cleanup() }
        w.arbiter.harborWriteRefused("closed", agent: "intruder")
        let synthetic = try w.arbiter.testInvariant("note_monotonicity")
        #expect(synthetic.synthetic && synthetic.invariant == "NOTE_MONOTONICITY")
        #expect(throws: PortDaddyError.self) { try w.arbiter.testInvariant("NOPE") }
        let status = w.arbiter.status()
        #expect(status.invariants.map(\.name) == ArbiterInvariant.allCases.map(\.rawValue))
        let escalation = try #require(status.invariants.first { $0.name == "CAPABILITY_ESCALATION" })
        #expect(escalation.checked == 1 && escalation.violations == 1 && escalation.lastViolation?.agent == "intruder")
        #expect(status.invariants.first { $0.name == "NOTE_MONOTONICITY" }?.lastViolation?.synthetic == true)
    }

    @Test("the note triggers refuse rewriting or deleting a note, and allow sealing and salvage's move")
    func noteTriggers() throws {
        let w = try World()
        defer { w.h.cleanup() }
        _ = try w.coordination.begin(purpose: "p", agent: "writer", identity: nil, files: [], pid: nil)
        _ = try w.coordination.note(agent: "writer", text: "first", type: .note)
        try w.store.guardedWrite { db in
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE notes SET text = 'forged'") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE notes SET at = at - 1") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM notes") }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO notes (id, session_id, type, text, at) SELECT 1, session_id, 'note', 'x', at FROM notes LIMIT 1")
            }
            // Sealing a plaintext row (enc 0 → 1) and moving notes between sessions are allowed.
            try db.execute(sql: "UPDATE notes SET text = X'0102', enc = 1")
            try db.execute(sql: "UPDATE notes SET session_id = session_id, key_scope = 'session:elsewhere'")
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE notes SET text = 'back', enc = 0") }
        }
        // A dropped trigger is put back by the next arbiter.
        try w.store.guardedWrite { db in try db.execute(sql: "DROP TRIGGER notes_never_deleted") }
        _ = try Arbiter(store: w.store, coordination: nil, activity: nil, graceSeconds: 30)
        #expect(throws: PortDaddyError.self) { try w.store.guardedWrite { db in try db.execute(sql: "DELETE FROM notes") } }
    }

    @Test("the mode is kept in the database; in strict mode a squatting agent is declared dead and its session waits in salvage")
    func strictSquatting() throws {
        let w = try World()
        defer { w.h.cleanup() }
        #expect(w.arbiter.mode == .observe)
        _ = try w.arbiter.setMode(.strict)
        #expect(try Arbiter(store: w.store, coordination: nil, activity: nil, graceSeconds: 30).mode == .strict)
        w.h.processes.start(4242, at: 99)
        _ = try w.coordination.register(id: "owner", identity: "app:a", purpose: nil, pid: 4242, ttlSeconds: nil)
        _ = try w.coordination.begin(purpose: "squat", agent: "squatter", identity: "app:b", files: [], pid: nil)
        _ = try w.coordination.register(id: "squatter", identity: nil, purpose: nil, pid: 4242, ttlSeconds: nil)
        let squat = try #require(w.arbiter.status().invariants.first { $0.name == "PID_SQUATTING" }?.lastViolation)
        #expect(squat.agent == "squatter" && squat.severity == .critical && squat.action == "declared dead")
        #expect(try w.coordination.salvage(project: nil, all: false).map(\.agentID) == ["squatter"])
        #expect(try w.coordination.agents().first { $0.id == "owner" }?.state == "alive")
        // The sweep does not report the same squatting again (the squatter is dead now, and it was reported).
        #expect(try w.arbiter.sweep().filter { $0.invariant == "PID_SQUATTING" }.isEmpty)
    }

    struct World {
        let h = Harness()
        let store: SQLiteStore
        let coordination: CoordinationService
        let arbiter: Arbiter

        init() throws {
            store = try h.store()
            let claims = try ClaimService(store: store, settings: h.settings, ports: h.ports, processes: h.processes, clock: h.clock)
            let locks = try LockService(store: store, processes: h.processes, clock: h.clock)
            coordination = CoordinationService(store: store, claims: claims, locks: locks, processes: h.processes, clock: h.clock)
            arbiter = try Arbiter(store: store, coordination: coordination, activity: nil, graceSeconds: 30, processes: h.processes, clock: h.clock)
            coordination.watcher.attach(arbiter)
        }
    }
}
