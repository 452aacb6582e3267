import Foundation
import HTTPTypes
import PortDaddyAPI
import Testing

@testable import PortDaddyServer

/// `GET /dashboard/memory`, in-process: the Heat and Memory views' snapshot holds what the services hold, and episode
/// text (note text) only for a caller with the user's authority — the token, or a tab key from a dashboard code.
@Suite("dashboard Heat and Memory snapshot in-process")
struct DashboardMemoryRouteTests {
    struct Snapshot: Decodable {
        struct Episode: Decodable {
            var type: String
            var agent: String?
            var source: String
            var text: String?
        }
        var files: [FileHeat]
        var harbors: [HarborInfo]
        var tiers: MemoryTiersResponse
        var episodes: [Episode]
        var textShown: Bool
    }

    static let path = "/work/heat-test/src/hot.swift"
    static let finding = "the race is in the cache warm-up"

    /// A file held by `holder` that `wanter` was refused, a closed harbor with one tuple, and a finding note.
    func seeded() async throws -> RouterHarness {
        let harness = try await RouterHarness()
        let holder = ["X-PD-Agent": "holder"]
        let (held, heldText) = try await harness.send(.post, "/sessions", json: #"{"purpose":"hold","agent":"holder","files":["\#(Self.path)"]}"#)
        #expect(held == .created, "\(heldText)")
        let (refused, refusedText) = try await harness.send(
            .post, "/sessions", json: #"{"purpose":"want","agent":"wanter","files":["\#(Self.path)"]}"#)
        #expect(refused.code == 409 && refusedText.contains("FILE_CLAIMED"), "\(refusedText)")
        let (harbor, harborText) = try await harness.send(.post, "/harbors", json: #"{"name":"crew","closed":true,"ttl":"1h"}"#, headers: holder)
        #expect(harbor == .created, "\(harborText)")
        let (tuple, tupleText) = try await harness.send(.post, "/tuples", json: #"{"harbor":"crew","tuple":["task",1]}"#, headers: holder)
        #expect(tuple == .created, "\(tupleText)")
        let (note, noteText) = try await harness.send(
            .post, "/sessions/current/notes", json: #"{"text":"\#(Self.finding)","type":"finding"}"#, headers: holder)
        #expect(note == .created, "\(noteText)")
        return harness
    }

    func snapshot(_ harness: RouterHarness, headers: [String: String] = [:]) async throws -> (Snapshot, String) {
        let (status, text) = try await harness.send(.get, "/dashboard/memory", headers: headers)
        #expect(status == .ok, "\(text)")
        return (try JSONDecoder().decode(Snapshot.self, from: Data(text.utf8)), text)
    }

    @Test("the hot file with its holder, the harbor with its tuple count and rules, live tier counts, the episode without its text")
    func openSnapshot() async throws {
        let harness = try await seeded()
        let (shot, text) = try await snapshot(harness)
        let file = try #require(shot.files.first)
        #expect(file.path == Self.path && file.holders == ["holder"])
        #expect((file.keys["contention"] ?? 0) > 0 && file.heat > 0 && file.heat <= 1)
        let crew = try #require(shot.harbors.first { $0.name == "crew" })
        #expect(crew.declared && crew.closed && !crew.ephemeral && crew.tuples == 1 && crew.expiresAt != nil)
        #expect(crew.members.map(\.agent) == ["holder"])
        #expect(shot.harbors.contains { $0.name == "global" && !$0.declared })
        let counts = Dictionary(uniqueKeysWithValues: shot.tiers.constructs.map { ($0.name, $0.count) })
        #expect(counts["episodes"] == 1 && counts["active-file-claims"] == 1 && counts["tuples"] == 1)
        #expect(shot.tiers.totals["core"] ?? 0 >= 2)
        // Labels for any page; the text is note text.
        let episode = try #require(shot.episodes.first)
        #expect(episode.type == "finding" && episode.agent == "holder" && episode.source.hasPrefix("note:"))
        #expect(episode.text == nil && !shot.textShown)
        #expect(!text.contains(Self.finding))
    }

    @Test("episode text with the user's token, or with a tab key traded for a pd dashboard code; a wrong key shows none")
    func textWithAuthority() async throws {
        let harness = try await seeded()
        let (withToken, _) = try await snapshot(harness, headers: ["X-PD-Token": RouterHarness.userToken])
        #expect(withToken.textShown && withToken.episodes.first?.text == Self.finding)

        let (_, page) = try await harness.send(.get, "/")
        let token = try #require(page.range(of: #"name="pd-token" content=""#).map { String(page[$0.upperBound...].prefix(48)) })
        let (_, granted) = try await harness.send(.post, "/dashboard/grant", headers: ["X-PD-Token": RouterHarness.userToken])
        let code = try JSONDecoder().decode(DashboardGrant.self, from: Data(granted.utf8)).code
        let (_, redeemed) = try await harness.send(.post, "/dashboard/redeem", json: #"{"code":"\#(code)"}"#, headers: ["X-PD-Page-Token": token])
        let key = try JSONDecoder().decode(DashboardSession.self, from: Data(redeemed.utf8)).session
        let (withKey, _) = try await snapshot(harness, headers: ["X-PD-Token": key])
        #expect(withKey.textShown && withKey.episodes.first?.text == Self.finding)

        let (wrong, text) = try await snapshot(harness, headers: ["X-PD-Token": String(repeating: "b", count: 64)])
        #expect(!wrong.textShown && !text.contains(Self.finding))
    }

    @Test("another site's subresource load gets no snapshot")
    func crossSiteRefused() async throws {
        let harness = try await RouterHarness()
        let (status, text) = try await harness.send(.get, "/dashboard/memory", headers: ["Sec-Fetch-Site": "cross-site"])
        #expect(status == .forbidden && text.contains("FORBIDDEN_ORIGIN"), "\(text)")
        let (same, _) = try await harness.send(.get, "/dashboard/memory", headers: ["Sec-Fetch-Site": "same-origin"])
        #expect(same == .ok)
    }
}
