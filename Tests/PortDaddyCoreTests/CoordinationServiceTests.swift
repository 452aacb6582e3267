import Foundation
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Agents, sessions and salvage")
struct CoordinationServiceTests {
    /// The Core services wired as the daemon wires them: each records its events in one activity log.
    struct World {
        let h = Harness()
        let coordination: CoordinationService
        let claims: ClaimService
        let locks: LockService
        let activity: ActivityLog

        init() throws {
            let store = try h.store()
            activity = ActivityLog(store: store, clock: h.clock)
            claims = try ClaimService(store: store, settings: h.settings, ports: h.ports, processes: h.processes, clock: h.clock, activity: activity)
            locks = try LockService(store: store, processes: h.processes, clock: h.clock, activity: activity)
            coordination = CoordinationService(store: store, claims: claims, locks: locks, processes: h.processes, clock: h.clock, activity: activity)
        }
    }

    @Test("an agent lives while it heartbeats within its TTL, or, registered with a PID, exactly as long as that process")
    func liveness() throws {
        let w = try World()
        defer { w.h.cleanup() }
        _ = try w.coordination.register(id: "hb", identity: nil, purpose: nil, pid: nil, ttlSeconds: 60)
        w.h.processes.start(77, at: 1)
        _ = try w.coordination.register(id: "proc", identity: nil, purpose: nil, pid: 77, ttlSeconds: 60)
        w.h.clock.advance(seconds: 40)
        #expect(try w.coordination.agents().first { $0.id == "hb" }?.state == "stale")
        _ = try w.coordination.heartbeat("hb")
        w.h.clock.advance(seconds: 40)
        #expect(try w.coordination.reapAgents().isEmpty)
        w.h.clock.advance(seconds: 30)
        #expect(try w.coordination.reapAgents() == ["hb"])
        #expect(try w.coordination.agents().first { $0.id == "proc" }?.state == "alive")
        w.h.processes.exit(77)
        #expect(try w.coordination.reapAgents() == ["proc"])
    }

    @Test("one active session per agent; notes and phases go to the caller's own session")
    func sessions() throws {
        let w = try World()
        defer { w.h.cleanup() }
        let (a, _, _) = try w.coordination.begin(purpose: "A", agent: "a", identity: "shop:api", files: ["/src/a.swift"], pid: nil)
        #expect(throws: PortDaddyError.sessionActive(agent: "a", session: a.id)) {
            try w.coordination.begin(purpose: "again", agent: "a", identity: nil, files: [], pid: nil)
        }
        _ = try w.coordination.begin(purpose: "B", agent: "b", identity: nil, files: [], pid: nil)
        _ = try w.coordination.note(agent: "a", text: "mine", type: .finding)
        #expect(try w.coordination.notes(agent: "b", all: false).isEmpty)
        #expect(try w.coordination.phase(agent: "a", .testing).phase == .testing)
        #expect(throws: PortDaddyError.fileClaimed(path: "/src/a.swift", agent: "a", session: a.id)) {
            try w.coordination.claimFiles(agent: "b", paths: ["/src/../src/a.swift"], force: false)
        }
        let done = try w.coordination.done(agent: "a", note: "bye", abandon: false)
        #expect(done.notes.map(\.text) == ["mine", "bye"])
        #expect(try w.coordination.claimFiles(agent: "b", paths: ["/src/a.swift"], force: false).map(\.agentID) == ["b"])
        // Without an active session a note starts a quick-notes session rather than being lost.
        let quick = try w.coordination.note(agent: "a", text: "x", type: .note)
        #expect(quick.startedSession == true && quick.sessionID != done.id)
        #expect(try w.coordination.notes(agent: "a", all: false).map(\.text) == ["x"])
        #expect(try w.coordination.note(agent: "a", text: "y", type: .note).startedSession == nil)
    }

    @Test("a dead agent's session, notes and files go to salvage, its locks are released, and salvage claim moves the work")
    func salvage() async throws {
        let w = try World()
        defer { w.h.cleanup() }
        _ = try w.coordination.begin(purpose: "migration", agent: "dead", identity: "shop:db", files: ["/db/schema.sql"], pid: nil)
        _ = try w.coordination.note(agent: "dead", text: "step 3", type: .handoff)
        _ = try await w.locks.acquire(LockCommand(name: try LockName(parsing: "db"), owner: "dead", pid: nil, ttlSeconds: 3600))
        w.h.clock.advance(seconds: CoordinationService.defaultAgentTTL + 1)
        #expect(try w.coordination.reapAgents() == ["dead"])
        #expect(w.locks.list().isEmpty)
        let waiting = try w.coordination.salvage(project: "shop", all: false)
        #expect(waiting.first?.sessions.first?.files == ["/db/schema.sql"])
        // The dead session's files no longer block anyone.
        let (_, _, told) = try w.coordination.begin(purpose: "finish it", agent: "heir", identity: "shop:web", files: [], pid: nil)
        #expect(told == ["dead"])
        let mine = try w.coordination.claimSalvage(of: "dead", by: "heir")
        #expect(mine.notes.map(\.text).contains("step 3"))
        #expect(mine.files == ["/db/schema.sql"])
        #expect(try w.coordination.salvage(project: nil, all: false).isEmpty)
        let types = try w.activity.list(since: nil, type: nil, limit: 100).map(\.type)
        #expect(types.contains("agent.dead") && types.contains("salvage.claim"))
    }

    @Test("a re-registered agent is not judged by the PID of its earlier life, and dismissed salvage stays dismissed")
    func reRegistration() throws {
        let w = try World()
        defer { w.h.cleanup() }
        w.h.processes.start(50, at: 1)
        _ = try w.coordination.register(id: "m", identity: nil, purpose: nil, pid: 50, ttlSeconds: 60)
        _ = try w.coordination.begin(purpose: "first life", agent: "m", identity: nil, files: [], pid: nil)
        w.h.processes.exit(50)
        #expect(try w.coordination.reapAgents() == ["m"])
        try w.coordination.resolveSalvage(of: "m", by: nil, state: "dismissed")
        // Back again, without a PID: heartbeats decide now.
        _ = try w.coordination.begin(purpose: "second life", agent: "m", identity: nil, files: [], pid: nil)
        #expect(try w.coordination.reapAgents().isEmpty)
        #expect(try w.coordination.note(agent: "m", text: "still here", type: .note).text == "still here")
        w.h.clock.advance(seconds: CoordinationService.defaultAgentTTL + 1)
        #expect(try w.coordination.reapAgents() == ["m"])
        let waiting = try w.coordination.salvage(project: nil, all: false)
        #expect(waiting.first?.sessions.map(\.purpose) == ["second life"])
    }
}

@Suite("File claim paths")
struct FileClaimPathTests {
    @Test("a symlinked spelling of a path names the same file, also for files that do not exist yet")
    func realPaths() throws {
        let base = NSTemporaryDirectory() + "pdpaths-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base + "/real/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base + "/real")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let real = try CoordinationService.validatedPath(base + "/real/sub/new.swift")
        #expect(try CoordinationService.validatedPath(base + "/link/sub/new.swift") == real)
        #expect(try CoordinationService.validatedPath(base + "/link/./sub/../sub/new.swift") == real)
        #expect(throws: PortDaddyError.self) { try CoordinationService.validatedPath("relative/path") }
    }
}

@Suite("Inbox")
struct InboxTests {
    @Test("an inbox lists its newest messages, and read-all marks every one read, beyond a page of 1,000")
    func newestAndReadAll() throws {
        let w = try CoordinationServiceTests.World()
        defer { w.h.cleanup() }
        let channels = ChannelService(store: try w.h.store(), hub: ChannelHub(), clock: w.h.clock, maxMessages: 5000, maxAgeSeconds: 86400)
        let inbox = Inbox(channels: channels, coordination: w.coordination)
        for i in 1...1500 { _ = try inbox.send(to: "bob", text: "m\(i)", sender: "alice") }
        let listed = try inbox.list(agent: "bob", unreadOnly: true).messages
        #expect(listed.count == 1000)
        #expect(listed.first?.message == "m501" && listed.last?.message == "m1500")
        #expect(try inbox.readAll(agent: "bob") == 1500)
        #expect(try inbox.list(agent: "bob", unreadOnly: true).messages.isEmpty)
        _ = try inbox.send(to: "bob", text: "new", sender: nil)
        #expect(try inbox.list(agent: "bob", unreadOnly: true).messages.map(\.message) == ["new"])
    }
}
