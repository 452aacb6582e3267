import Foundation
import GRDB
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Channel declarations and the inbox's cursor migration")
struct ChannelDeclarationStoreTests {
    @Test("ensure validates, upserts and keeps aliases unique within a repository; repositories are apart")
    func ensureAndList() throws {
        let h = Harness()
        defer { h.cleanup() }
        let declarations = ChannelDeclarations(store: try h.store(), clock: h.clock)
        let first = try declarations.ensure(
            ChannelDeclarationRequest(repo: "/r/.git", logical: "Swarm:General", scope: .branch, aliases: ["general:swarm", "general:swarm"]),
            by: "alice")
        #expect(first.created && first.declaration.logical == "swarm:general" && first.declaration.aliases == ["general:swarm"])
        #expect(first.declaration.createdBy == "alice" && first.declaration.description == nil)
        // The same alias in another repository is fine; in this one it belongs to swarm:general.
        #expect(try declarations.ensure(ChannelDeclarationRequest(repo: "/s/.git", logical: "general:swarm", scope: .repo), by: nil).created)
        #expect(throws: PortDaddyError.self) {
            try declarations.ensure(ChannelDeclarationRequest(repo: "/r/.git", logical: "general:swarm", scope: .repo), by: nil)
        }
        #expect(throws: PortDaddyError.self) {
            try declarations.ensure(ChannelDeclarationRequest(repo: "/r/.git", logical: "x", scope: .repo, aliases: ["swarm:general"]), by: nil)
        }
        do throws(PortDaddyError) {
            _ = try declarations.ensure(ChannelDeclarationRequest(repo: "/r/.git", logical: "a:b:c:d:e:f", scope: .global), by: nil)
            Issue.record("six segments were accepted")
        } catch { #expect(error.code == .invalidChannel) }
        #expect(throws: PortDaddyError.self) {
            try declarations.ensure(ChannelDeclarationRequest(repo: "/r/.git", logical: "declarations", scope: .global), by: nil)
        }
        // An update keeps what it leaves out, and "" clears the description.
        _ = try declarations.ensure(ChannelDeclarationRequest(repo: "/r/.git", logical: "swarm:general", scope: .worktree, description: "d"), by: nil)
        var listed = try declarations.list(repo: "/r/.git")
        #expect(listed.count == 1 && listed[0].scope == .worktree && listed[0].aliases == ["general:swarm"] && listed[0].description == "d")
        let updated = try declarations.ensure(
            ChannelDeclarationRequest(repo: "/r/.git", logical: "swarm:general", scope: .worktree, aliases: [], description: ""), by: nil)
        #expect(!updated.created && updated.declaration.createdBy == "alice")
        listed = try declarations.list(repo: "/r/.git")
        #expect(listed[0].aliases.isEmpty && listed[0].description == nil)
        #expect(try declarations.list(repo: nil).count == 2)
        #expect(ChannelScope.branch.physicalName("swarm:general", key: "a") == "swarm:general:a")
        #expect(ChannelScope.global.physicalName("swarm:general", key: "a") == "swarm:general")
    }

    @Test("v13 moves inbox read state from inbox_reads onto the consumer cursors inbox:<agent>")
    func inboxReadsMigrate() throws {
        let h = Harness()
        defer { h.cleanup() }
        let path = h.dir + "/registry.sqlite"
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v11-episodes")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO inbox_reads (agent_id, read_upto) VALUES ('bob', 7), ('carol', 3)")
            }
        }
        let store = try h.store()
        let w = try CoordinationServiceTests.World()
        defer { w.h.cleanup() }
        let inbox = Inbox(channels: ChannelService(store: store, clock: h.clock), coordination: w.coordination)
        #expect(try inbox.readUpTo(agent: "bob") == 7 && inbox.readUpTo(agent: "Carol") == 3 && inbox.readUpTo(agent: "dave") == 0)
        #expect(try ConsumerCursors(store: store).cursor(consumer: "inbox:bob", channel: "inbox:bob").lastID == 7)
        let tables = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'inbox_reads'")
        }
        #expect(tables.isEmpty)
    }
}
