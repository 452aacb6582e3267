import Foundation
import PortDaddyAPI
import PortDaddySystem
import Testing

@testable import PortDaddyCore

@Suite("Snapshot watcher (real SQLite, real files)")
struct SnapshotWatcherTests {
    struct World {
        let h = Harness()
        let store: SQLiteStore
        let coordination: CoordinationService
        let watcher: SnapshotWatcher

        init(maxTotalBytes: Int = SnapshotWatcher.maxTotalBytes) throws {
            store = try h.store()
            coordination = try h.coordination(store)
            watcher = SnapshotWatcher(
                store: store, coordination: coordination, folder: h.dir + "/snapshots", clock: h.clock, maxTotalBytes: maxTotalBytes)
            _ = try coordination.begin(purpose: "edit", agent: "a", identity: nil, files: [], pid: nil)
        }

        func file(_ name: String, _ text: String) throws -> String {
            let path = h.dir + "/" + name
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            return path
        }

        func claim(_ path: String, trusted: Bool) throws {
            let claims = try coordination.claimFiles(agent: "a", targets: [FileClaimTarget(path: path)], force: false, trusted: trusted)
            if trusted { try watcher.watch(claims) }
        }
    }

    @Test("a trusted claim's change stores the earlier bytes (0600) as {before, after}; an untrusted claim is never read")
    func changes() throws {
        let w = try World()
        defer { w.h.cleanup() }
        let watched = try w.file("watched.txt", "one\n"), secret = try w.file("secret.txt", "key\n")
        try w.claim(watched, trusted: true)
        try w.claim(secret, trusted: false)
        #expect(try w.watcher.poll().isEmpty)
        _ = try w.file("watched.txt", "two, longer\n")
        _ = try w.file("secret.txt", "other key\n")
        let taken = try w.watcher.poll()
        #expect(taken.map(\.path) == [watched])
        let snapshot = try #require(taken.first)
        #expect(snapshot.before == ContentHash.of(Data("one\n".utf8)) && snapshot.after == ContentHash.of(Data("two, longer\n".utf8)))
        #expect(try w.watcher.content(of: snapshot.id).1 == Data("one\n".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: w.h.dir + "/snapshots/\(snapshot.id)")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try w.watcher.poll().isEmpty)
        // Files over 1 MiB are not watched.
        let big = try w.file("big.bin", String(repeating: "x", count: SnapshotWatcher.maxFileBytes + 1))
        try w.claim(big, trusted: true)
        _ = try w.file("big.bin", String(repeating: "y", count: SnapshotWatcher.maxFileBytes + 2))
        #expect(try w.watcher.poll().isEmpty)
    }

    @Test("over the total limit, the least recently used bytes are evicted; their metadata stays")
    func eviction() throws {
        let w = try World(maxTotalBytes: 20)
        defer { w.h.cleanup() }
        let path = try w.file("f.txt", "0123456789\n")
        try w.claim(path, trusted: true)
        var ids: [Int64] = []
        // Sizes differ, so a change shows in stat even within one tick of the file system's clock.
        for text in ["abcdefghij\n", "ABCDEFGHIJK\n", "klmnopqrstuv\n"] {
            _ = try w.file("f.txt", text)
            w.h.clock.advance(seconds: 1)
            ids += try w.watcher.poll().map(\.id)
        }
        #expect(ids.count == 3)
        let left = try w.store.snapshots(path: path, session: nil, limit: 10)
        #expect(left.count == 3)
        #expect(left.filter(\.hasBytes).map(\.id) == [ids[2]])
        #expect(throws: PortDaddyError.self) { try w.watcher.content(of: ids[0]) }
    }
}
