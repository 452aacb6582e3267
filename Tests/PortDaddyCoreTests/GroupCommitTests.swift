import Foundation
import PortDaddyAPI
import Synchronization
import Testing

@testable import PortDaddyCore

/// A claim store over a real SQLite file whose claim writes can be made to fail, as a full disk would.
final class FailingClaimStore: ClaimStore {
    let real: SQLiteStore
    let failing = Atomic<Bool>(false)

    init(_ real: SQLiteStore) { self.real = real }

    func write(_ commit: @autoclosure () -> PendingCommit) -> PendingCommit {
        guard failing.load(ordering: .relaxed) else { return commit() }
        return real.committer.submit { _ in throw PortDaddyError.storage("disk full") }
    }

    func loadClaims() throws(PortDaddyError) -> [Claim] { try real.loadClaims() }
    func loadLastPorts() throws(PortDaddyError) -> [String: Int] { try real.loadLastPorts() }
    func save(_ claim: Claim, rememberPort: Bool) -> PendingCommit { write(real.save(claim, rememberPort: rememberPort)) }
    func flushed() -> PendingCommit { real.flushed() }
    func delete(_ freed: [FreedClaim]) -> PendingCommit { write(real.delete(freed)) }
    func applyReap(freed: [FreedClaim], refreshed: [Claim]) throws(PortDaddyError) {
        try real.applyReap(freed: freed, refreshed: refreshed)
    }
    func integrityCheck() throws(PortDaddyError) -> String { try real.integrityCheck() }
    func walSize() -> Int64 { real.walSize() }
    func checkpoint() throws(PortDaddyError) { try real.checkpoint() }
}

@Suite("Group commit")
struct GroupCommitUnitTests {
    func claim(_ raw: String, port: Int) -> Claim {
        Claim(identity: id(raw), port: port, pid: nil, pidStart: nil, claimedAt: 1, lastSeenAt: 1, expiresAt: nil, sticky: false)
    }

    @Test("writes queued together commit together; one that fails fails only its own caller")
    func oneBadWriteFailsAlone() throws {
        let h = Harness()
        defer { h.cleanup() }
        let store = try h.store()
        let first = store.save(claim("gc:a", port: 4001), rememberPort: true)
        let bad = store.committer.submit { _ in throw PortDaddyError.storage("boom") }
        let second = store.save(claim("gc:b", port: 4002), rememberPort: true)
        try first.wait()
        #expect(throws: PortDaddyError.storage("boom")) { try bad.wait() }
        try second.wait()
        let stored = try SQLiteStore(path: h.dir + "/registry.sqlite").loadClaims()
        #expect(Set(stored.map(\.identity.description)) == ["gc:a", "gc:b"])
    }

    @Test("claims and releases decided together commit when the first is finished, not before (the IPC loop's turn)")
    func afterCommitSharesOneCommit() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        _ = try service.claim(ClaimCommand(identity: id("gc:old")))
        let onDisk = { try Set(SQLiteStore(path: h.dir + "/registry.sqlite").loadClaims().map(\.identity.description)) }
        let first = try service.claimReportingAfterCommit(ClaimCommand(identity: id("gc:one")))
        let second = try service.claimReportingAfterCommit(ClaimCommand(identity: id("gc:two")))
        let release = try service.releaseAfterCommit("gc:old")
        #expect(try onDisk() == ["gc:old"])  // decided and queued, not committed: nobody has been answered
        let one = try first.finish()
        #expect(try onDisk() == ["gc:one", "gc:two"])  // the first finish committed everything queued with it
        #expect(try second.finish().outcome.claim.port != one.outcome.claim.port)
        #expect(try release.finish().map(\.identity.description) == ["gc:old"])
    }

    @Test("concurrent claims from many threads are all on disk once answered, on distinct ports")
    func concurrentClaimsDurable() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try h.service()
        let ports = Mutex<[String: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            let outcome = try? service.claim(ClaimCommand(identity: id("gc:t\(i)")))
            if let outcome { ports.withLock { $0[outcome.claim.identity.description] = outcome.claim.port } }
        }
        let answered = ports.withLock { $0 }
        #expect(answered.count == 200)
        #expect(Set(answered.values).count == 200)
        let stored = try SQLiteStore(path: h.dir + "/registry.sqlite").loadClaims()
        #expect(Dictionary(uniqueKeysWithValues: stored.map { ($0.identity.description, $0.port) }) == answered)
    }

    @Test("a claim whose commit fails is taken back: the caller gets the error and the index does not hold it")
    func failedCommitUndone() throws {
        let h = Harness()
        defer { h.cleanup() }
        let store = FailingClaimStore(try h.store())
        let service = try ClaimService(store: store, settings: h.settings, ports: h.ports, processes: h.processes, clock: h.clock)
        let kept = try service.claim(ClaimCommand(identity: id("gc:kept")))
        store.failing.store(true, ordering: .relaxed)
        #expect(throws: PortDaddyError.storage("disk full")) { try service.claim(ClaimCommand(identity: id("gc:lost"))) }
        #expect(service.status(of: id("gc:lost")) == nil)
        #expect(throws: PortDaddyError.storage("disk full")) { try service.release("gc:kept") }
        #expect(service.status(of: id("gc:kept"))?.claim.port == kept.claim.port)
        store.failing.store(false, ordering: .relaxed)
        let again = try service.claim(ClaimCommand(identity: id("gc:lost")))
        #expect(again.existing == false)
        #expect(service.count == 2)
    }
}
