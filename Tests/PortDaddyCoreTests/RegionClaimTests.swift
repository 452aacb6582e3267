import Foundation
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Region and symbol file claims, fencing tokens (real SQLite)")
struct RegionClaimTests {
    struct World {
        let h = Harness()
        let coordination: CoordinationService

        init() throws {
            coordination = try h.coordination(try h.store())
            for agent in ["a", "b"] { _ = try coordination.begin(purpose: "work", agent: agent, identity: nil, files: [], pid: nil) }
        }

        func claim(_ agent: String, _ path: String, _ start: Int? = nil, _ end: Int? = nil, symbol: String? = nil, force: Bool = false)
            throws -> FileClaimInfo
        {
            let target = FileClaimTarget(path: path, startLine: start, endLine: end, symbol: symbol)
            return try #require(try coordination.claimFiles(agent: agent, targets: [target], force: force, trusted: false).first)
        }

        func refused(_ agent: String, _ path: String, _ start: Int? = nil, _ end: Int? = nil, symbol: String? = nil) -> Bool {
            do {
                _ = try claim(agent, path, start, end, symbol: symbol)
                return false
            } catch let error as PortDaddyError {
                if case .fileClaimed = error { return true }
                return false
            } catch { return false }
        }
    }

    @Test("A:10-20 vs B:15-30 conflict; A:10-20 vs B:21-30 do not; open bounds run to the start or end of the file")
    func lineRegions() throws {
        let w = try World()
        defer { w.h.cleanup() }
        _ = try w.claim("a", "/src/x.swift", 10, 20)
        #expect(w.refused("b", "/src/x.swift", 15, 30))
        _ = try w.claim("b", "/src/x.swift", 21, 30)
        // b's claim is 21-30 now; an open end from 25 overlaps it, an open start up to 9 overlaps nobody.
        _ = try w.claim("a", "/src/y.swift", 5, nil)
        #expect(w.refused("b", "/src/y.swift", 1000, nil))
        #expect(w.refused("b", "/src/y.swift", nil, 5))
        #expect(!w.refused("b", "/src/y.swift", nil, 4))
        #expect(try w.coordination.owners("/src/x.swift").map(\.agentID) == ["a", "b"])
    }

    @Test("a whole-file claim conflicts with every region, and a region with a whole-file claim")
    func wholeFile() throws {
        let w = try World()
        defer { w.h.cleanup() }
        _ = try w.claim("a", "/src/whole.swift")
        #expect(w.refused("b", "/src/whole.swift", 500, 501))
        #expect(w.refused("b", "/src/whole.swift", symbol: "render"))
        _ = try w.claim("a", "/src/region.swift", 1, 2)
        #expect(w.refused("b", "/src/region.swift"))
        // pd guard stages whole files: any region another session holds is a conflict.
        #expect(try w.coordination.conflicts(agent: "b", paths: ["/src/region.swift"]).map(\.agentID) == ["a"])
        #expect(try w.coordination.conflicts(agent: "a", paths: ["/src/region.swift"]).isEmpty)
        #expect(try w.coordination.conflicts(agent: "b", regions: [FileRegion(path: "/src/region.swift", startLine: 3)]).isEmpty)
    }

    @Test("symbol vs the same symbol conflicts, other symbols do not; a symbol's recorded range overlaps by range")
    func symbols() throws {
        let w = try World()
        defer { w.h.cleanup() }
        _ = try w.claim("a", "/src/s.swift", symbol: "parse")
        #expect(w.refused("b", "/src/s.swift", symbol: "parse"))
        _ = try w.claim("b", "/src/s.swift", symbol: "render")
        _ = try w.claim("a", "/src/t.swift", 10, 20, symbol: "parse")
        #expect(w.refused("b", "/src/t.swift", 18, 40, symbol: "emit"))
        #expect(w.refused("b", "/src/t.swift", 15, 16))
        _ = try w.claim("b", "/src/t.swift", 21, 40, symbol: "emit")
        #expect(FileRegion(path: "/p", symbol: "f").overlaps(FileRegion(path: "/p", startLine: 3, endLine: 4)))
        #expect(!FileRegion(path: "/p", symbol: "f").overlaps(FileRegion(path: "/q", symbol: "f")))
    }

    @Test("each grant gets a token strictly increasing per path, stored with the content hash; bad regions are refused")
    func tokens() throws {
        let w = try World()
        defer { w.h.cleanup() }
        let hash = String(repeating: "ab", count: 32)
        let first = try #require(
            try w.coordination.claimFiles(
                agent: "a", targets: [FileClaimTarget(path: "/src/t.swift", contentHash: hash)], force: false, trusted: true
            ).first)
        #expect(first.token == 1 && first.contentHash == hash)
        let forced = try w.claim("b", "/src/t.swift", force: true)
        #expect(forced.token == 2)
        #expect(try w.claim("a", "/src/other.swift").token == 1)
        #expect(try w.coordination.files().first { $0.path == "/src/t.swift" }?.token == 2)
        #expect(throws: PortDaddyError.self) { try w.claim("a", "/src/u.swift", 0, 3) }
        #expect(throws: PortDaddyError.self) { try w.claim("a", "/src/u.swift", 9, 3) }
        #expect(throws: PortDaddyError.self) {
            try w.coordination.claimFiles(
                agent: "a", targets: [FileClaimTarget(path: "/src/u.swift", contentHash: "XYZ")], force: false, trusted: false)
        }
    }

    @Test("strict check: your latest token passes; a claim salvaged and re-granted elsewhere is stale")
    func strictCheck() throws {
        let w = try World()
        defer { w.h.cleanup() }
        _ = try w.claim("a", "/src/m.swift")
        #expect(try w.coordination.check(agent: "a", paths: ["/src/m.swift"], strict: true).problems == [])
        let unclaimed = try w.coordination.check(agent: "b", paths: ["/src/n.swift"], strict: true)
        #expect(unclaimed.problems?.map(\.reason) == [.unclaimed])
        // a dies; b salvages its work: the file is granted to b with token 2.
        w.h.clock.advance(seconds: CoordinationService.defaultAgentTTL + 1)
        _ = try w.coordination.heartbeat("b")
        #expect(try w.coordination.reapAgents() == ["a"])
        let waiting = try w.coordination.check(agent: "a", paths: ["/src/m.swift"], strict: true)
        #expect(waiting.sessionID == nil && waiting.problems?.first?.action == "pd salvage claim a")
        _ = try w.coordination.claimSalvage(of: "a", by: "b")
        #expect(try w.coordination.owners("/src/m.swift").map(\.token) == [2])
        _ = try w.coordination.begin(purpose: "back", agent: "a", identity: nil, files: [], pid: nil)
        let stale = try w.coordination.check(agent: "a", paths: ["/src/m.swift"], strict: true)
        let problem = try #require(stale.problems?.first)
        #expect(problem.reason == .stale && problem.token == 1 && problem.latestToken == 2 && problem.holder?.agentID == "b")
    }
}

extension Harness {
    /// A coordination service (with its claim and lock services) on `store`, with the fake OS and clock.
    func coordination(_ store: SQLiteStore) throws -> CoordinationService {
        let claims = try ClaimService(store: store, settings: settings, ports: ports, processes: processes, clock: clock)
        let locks = try LockService(store: store, processes: processes, clock: clock)
        return CoordinationService(store: store, claims: claims, locks: locks, processes: processes, clock: clock)
    }
}
