import Foundation
import GRDB
import PortDaddyAPI
import Testing

@testable import PortDaddyCore

/// The at-rest format (``SealedText``) and the vault on a real SQLite file: sealed rows, a missing key, rotation.
@Suite("note encryption (core)")
struct NoteEncryptionCoreTests {
    let key = Data((0..<32).map { UInt8($0) })

    @Test("sealed text is nonce ‖ ciphertext ‖ tag, opens only with its key and its row's context")
    func format() throws {
        let sealed = SealedText.seal(Data("MARKER-format".utf8), key: .init(data: key), context: "notes\0text\0session:s\07")
        #expect(sealed.count == 12 + 13 + 16)
        #expect(sealed.range(of: Data("MARKER".utf8)) == nil)
        let opened = try SealedText.open(sealed, keyBytes: key, context: "notes\0text\0session:s\07")
        #expect(String(decoding: opened, as: UTF8.self) == "MARKER-format")
        // Another row's context (a row copied or swapped), another key, a flipped byte, a truncated value: refused.
        #expect(throws: SealedText.Failure.tampered) { try SealedText.open(sealed, keyBytes: key, context: "notes\0text\0session:s\08") }
        #expect(throws: SealedText.Failure.tampered) {
            try SealedText.open(sealed, keyBytes: Data(repeating: 7, count: 32), context: "notes\0text\0session:s\07")
        }
        var flipped = sealed
        flipped[20] ^= 0x01
        #expect(throws: SealedText.Failure.tampered) { try SealedText.open(flipped, keyBytes: key, context: "notes\0text\0session:s\07") }
        #expect(throws: SealedText.Failure.tampered) { try SealedText.open(sealed.prefix(20), keyBytes: key, context: "x") }
        // Two seals of the same text differ (a random nonce each).
        #expect(
            SealedText.seal(Data("a".utf8), key: .init(data: key), context: "c")
                != SealedText.seal(Data("a".utf8), key: .init(data: key), context: "c"))
    }

    @Test("a store with a vault seals notes, creates a 0600 key file, and reads them back after reopening")
    func sealedNotes() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyFile = dir + "/master.key"
        var store: SQLiteStore? = try SQLiteStore(path: dir + "/registry.sqlite", vault: TextVault(keyFile: keyFile))
        try Self.note("MARKER-core-1", session: "s1", in: store!)
        var st = stat()
        #expect(stat(keyFile, &st) == 0 && st.st_mode & 0o777 == 0o600 && st.st_size == 32)
        let raw = try store!.guardedRead { try Data.fetchOne($0, sql: "SELECT text FROM notes") }
        #expect(raw.map { $0.range(of: Data("MARKER".utf8)) == nil } == true)
        #expect(try store!.read { try $0.notes(of: "s1") }.map(\.text) == ["MARKER-core-1"])
        store = nil
        let reopened = try SQLiteStore(path: dir + "/registry.sqlite", vault: TextVault(keyFile: keyFile))
        #expect(reopened.vault?.problem == nil)
        #expect(try reopened.read { try $0.notes(of: "s1") }.map(\.text) == ["MARKER-core-1"])
    }

    @Test("without the key file a sealed note reads as NOTE_KEY_MISSING, new text is refused, and no key is made")
    func missingKey() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyFile = dir + "/master.key"
        do {
            let store = try SQLiteStore(path: dir + "/registry.sqlite", vault: TextVault(keyFile: keyFile))
            try Self.note("MARKER-core-2", session: "s1", in: store)
        }
        try FileManager.default.moveItem(atPath: keyFile, toPath: dir + "/aside.key")
        let store = try SQLiteStore(path: dir + "/registry.sqlite", vault: TextVault(keyFile: keyFile))
        #expect(store.vault?.problem?.contains("missing") == true)
        #expect(!FileManager.default.fileExists(atPath: keyFile))
        let notes = try store.read { try $0.notes(of: "s1") }
        #expect(notes.count == 1 && notes[0].unreadable?.code == "NOTE_KEY_MISSING" && !notes[0].text.contains("MARKER"))
        #expect(throws: PortDaddyError.self) { try Self.note("another", session: "s1", in: store) }
        #expect(!FileManager.default.fileExists(atPath: keyFile))
    }

    @Test("rotation re-wraps every data key: the old key opens none, the notes still read, before and after reopening")
    func rotation() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyFile = dir + "/master.key"
        let store = try SQLiteStore(path: dir + "/registry.sqlite", vault: TextVault(keyFile: keyFile))
        try Self.note("MARKER-core-3", session: "s1", in: store)
        try Self.note("MARKER-core-4", session: "s2", in: store)
        let old = try Data(contentsOf: URL(fileURLWithPath: keyFile))
        #expect(try store.rotateMasterKey() == 2)
        let new = try Data(contentsOf: URL(fileURLWithPath: keyFile))
        #expect(new.count == 32 && new != old && !FileManager.default.fileExists(atPath: keyFile + ".next"))
        let wrapped = try store.guardedRead { try Row.fetchAll($0, sql: "SELECT scope, wrapped FROM data_keys") }
        for row in wrapped {
            let context = SealedText.wrapContext(scope: row["scope"])
            #expect(throws: SealedText.Failure.tampered) { try SealedText.open(row["wrapped"], keyBytes: old, context: context) }
            #expect(try SealedText.open(row["wrapped"], keyBytes: new, context: context).count == 32)
        }
        #expect(try store.read { try $0.notes(of: "s2") }.map(\.text) == ["MARKER-core-4"])
        let reopened = try SQLiteStore(path: dir + "/registry.sqlite", vault: TextVault(keyFile: keyFile))
        #expect(try reopened.read { try $0.notes(of: "s1") }.map(\.text) == ["MARKER-core-3"])
    }

    @Test("a rotation interrupted after its commit is finished at the next start; one interrupted before it is discarded")
    func interruptedRotation() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyFile = dir + "/master.key"
        let path = dir + "/registry.sqlite"
        do {
            let store = try SQLiteStore(path: path, vault: TextVault(keyFile: keyFile))
            try Self.note("MARKER-core-5", session: "s1", in: store)
        }
        let old = try Data(contentsOf: URL(fileURLWithPath: keyFile))
        // Before the commit: a .next key the database was never re-wrapped under.
        try MasterKeyFile(path: keyFile).writeNext(SealedText.newKey())
        do {
            let store = try SQLiteStore(path: path, vault: TextVault(keyFile: keyFile))
            #expect(!FileManager.default.fileExists(atPath: keyFile + ".next"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: keyFile)) == old)
            #expect(try store.read { try $0.notes(of: "s1") }.map(\.text) == ["MARKER-core-5"])
            // After the commit: the database re-wrapped under a key that only .next holds.
            _ = try store.rotateMasterKey()
        }
        let rotated = try Data(contentsOf: URL(fileURLWithPath: keyFile))
        try FileManager.default.moveItem(atPath: keyFile, toPath: keyFile + ".next")
        try old.write(to: URL(fileURLWithPath: keyFile))
        chmod(keyFile, 0o600)
        let store = try SQLiteStore(path: path, vault: TextVault(keyFile: keyFile))
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyFile)) == rotated)
        #expect(try store.read { try $0.notes(of: "s1") }.map(\.text) == ["MARKER-core-5"])
    }

    @Test("plaintext rows of every protected table are sealed by sealPlaintextRows, and read back the same")
    func plaintextOfEveryTable() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/registry.sqlite"
        let m = "MARKER-core-table"
        do {
            // A store without a vault writes plaintext (enc 0), as rows from before the migration are.
            let plain = try SQLiteStore(path: path)
            try Self.note(m + "-note", session: "s1", in: plain)
            var run = RunInfo(
                id: "run-1", name: "r", backend: "claude-cli", model: nil, identity: nil, harbor: nil, agentID: "a-r", sessionID: nil,
                sortieID: nil, pid: nil, state: .succeeded, reason: nil, exitCode: 0, signal: nil, budget: MoneyAmount(micros: 1),
                cost: MoneyAmount(micros: 0), tokens: TokenCounts(), telemetry: .exact, createdAt: 1, startedAt: 1, endedAt: 2)
            (run.task, run.result) = (m + "-task", m + "-result")
            try plain.saveRun(run)
            _ = try plain.addEpisode(
                Episode(id: 0, project: nil, identity: nil, type: .finding, text: m + "-episode", source: "note:1", agent: nil, session: nil, at: 1))
            _ = try plain.insertTuple(
                TupleDraft(harbor: "global", tuple: [.string("note"), .string(m + "-tuple")], writer: nil, createdAt: 1), consumed: false)
            try plain.saveSortie(
                SortieInfo(
                    id: "sortie-1", name: "s", state: "running", runID: "run-1", harbor: nil, events: 0, createdAt: 1, endedAt: nil,
                    task: m + "-sortie"))
            _ = try plain.appendSortieEvent("sortie-1", kind: "note", text: m + "-event", at: 1)
            #expect(try plain.vaultCounts().plaintext == 6)
        }
        let store = try SQLiteStore(path: path, vault: TextVault(keyFile: dir + "/master.key"))
        #expect(try store.sealPlaintextRows() == 6)
        // Keys: session:s1, runs (runs and sorties), episodes, tuples.
        #expect(try store.vaultCounts() == VaultCounts(sealed: 6, plaintext: 0, dataKeys: 4))
        try store.checkpoint()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).range(of: Data(m.utf8)) == nil)
        #expect(try store.read { try $0.notes(of: "s1") }.map(\.text) == [m + "-note"])
        let run = try #require(try store.run("run-1"))
        #expect(run.task == m + "-task" && run.result == m + "-result")
        #expect(try store.episodes(project: nil, type: nil, since: 0, limit: 10).map(\.text) == [m + "-episode"])
        #expect(try store.scanTuples(harbor: nil, now: 2, limit: 10).map(\.tuple) == [[.string("note"), .string(m + "-tuple")]])
        let sortie = try #require(try store.sortie("sortie-1"))
        #expect(sortie.task == m + "-sortie" && sortie.log?.map(\.text) == [m + "-event"])
    }

    static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "pdcrypt-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func note(_ text: String, session: String, in store: SQLiteStore) throws {
        _ = try store.write { tx in
            if try tx.session(session) == nil {
                try tx.saveAgent(AgentRecord(id: "a-" + session, ttlMillis: 60_000, registeredAt: 1, lastHeartbeat: 1, state: "active"))
                try tx.saveSession(
                    SessionRecord(
                        id: session, agentID: "a-" + session, purpose: "p", identity: nil, phase: .planning, state: "active", startedAt: 1,
                        endedAt: nil))
            }
            return try tx.addNote(session: session, type: .note, text: text, at: 2)
        }
    }
}
