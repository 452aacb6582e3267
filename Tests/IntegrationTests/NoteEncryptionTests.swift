import Foundation
import GRDB
import PortDaddyAPI
import PortDaddyClient
import PortDaddyCore
import PortDaddyTesting
import Testing

/// Notes, run text, episodes and pinned tuples encrypted at rest, against the real daemon: nothing readable in the
/// database files, a missing key, a changed row, old plaintext rows, rotation, and no key in any answer.
@Suite("Note encryption at rest")
struct NoteEncryptionTests {
    static func marker(_ what: String) -> String { "MARKER-7f3a-\(what)-\(Int.random(in: 100_000...999_999))" }

    /// The data dir's database files (registry.sqlite, -wal, -shm: whichever exist) that contain `needle`.
    static func filesContaining(_ needle: String, in home: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: home).filter { $0.hasPrefix("registry.sqlite") }
        #expect(names.contains("registry.sqlite"))
        return names.filter { name in
            FileManager.default.contents(atPath: home + "/" + name)?.range(of: Data(needle.utf8)) != nil
        }
    }

    static func begin(_ daemon: TestDaemon, agent: String) throws {
        let begun = try daemon.pd(["begin", "encryption test"], environment: ["PD_AGENT_ID": agent])
        #expect(begun.status == 0, "\(begun.stderr)")
    }

    static func note(_ daemon: TestDaemon, _ text: String, agent: String) throws {
        let noted = try daemon.pd(["note", text], environment: ["PD_AGENT_ID": agent])
        #expect(noted.status == 0, "\(noted.stderr)")
    }

    static func notes(_ daemon: TestDaemon) throws -> [NoteInfo] {
        try daemon.client().sessions(all: true).sessions.flatMap(\.notes)
    }

    @Test("a note, a pinned say and a run's task and result: absent from the database files, readable, and after a restart")
    func sealedAtRest() throws {
        let bench = try AgentBench()
        let daemon = bench.daemon
        let (noteText, pinText, task, result) = (Self.marker("note"), Self.marker("pin"), Self.marker("task"), Self.marker("result"))
        try Self.begin(daemon, agent: "enc-a")
        try Self.note(daemon, noteText, agent: "enc-a")
        let said = try daemon.pd(["say", pinText, "--pin"], environment: ["PD_AGENT_ID": "enc-a"])
        #expect(said.status == 0, "\(said.stderr)")
        try bench.plan(["turns": AgentBench.turns([(result, 10, 5)])])
        // A run's display name and session purpose default to the task's first words and first line; they are public
        // labels, not encrypted (the README says so), so this run names them.
        let spawned = try bench.pd(["spawn", "--backend", "claude-cli", "--budget", "0.10", "--name", "enc", "--purpose", "enc", "--", task])
        #expect(spawned.status == 0, "\(spawned.stdout) \(spawned.stderr)")
        let runID = try #require(try daemon.client().runs(all: true, project: nil).runs.first?.id)
        // A sortie: its task, outcome and log (which repeats the agent's notes and result) are sealed too.
        let (sortieTask, agentNote) = (Self.marker("sortie"), Self.marker("agent-note"))
        try bench.plan(["turns": AgentBench.turns([(result, 10, 5)]), "pd_calls": [["note", agentNote]]])
        let launched = try bench.pd(["sortie", "--backend", "claude-cli", "--budget", "1", "--name", "enc2", "--purpose", "enc2", "--", sortieTask])
        #expect(launched.status == 0, "\(launched.stdout) \(launched.stderr)")
        let sortieID = try #require(try daemon.client().sorties(status: nil).sorties.first?.id)

        let shown = try daemon.pd(["notes"], environment: ["PD_AGENT_ID": "enc-a"])
        #expect(shown.status == 0 && shown.stdout.contains(noteText) && shown.stdout.contains(pinText), "\(shown.stdout)")
        // While the daemon runs (WAL and shared memory in use) and after it checkpointed at exit: no marker anywhere.
        #expect(try Self.filesContaining("MARKER-7f3a", in: daemon.home) == [])
        #expect(daemon.stop() == 0)
        #expect(try Self.filesContaining("MARKER-7f3a", in: daemon.home) == [])
        let key = try #require(FileManager.default.contents(atPath: daemon.home + "/master.key"))
        var st = stat()
        #expect(key.count == 32 && stat(daemon.home + "/master.key", &st) == 0 && st.st_mode & 0o777 == 0o600)

        try daemon.start()
        let texts = try Self.notes(daemon).map(\.text)
        #expect(texts.contains(noteText) && texts.contains(pinText), "\(texts)")
        let run = try daemon.client().run(runID, full: true)
        #expect(run.task == task && run.result?.contains(result) == true, "\(run)")
        // The runs' outcomes became episodes (sealed as well).
        let episodes = try daemon.client().episodes(project: nil, type: nil, since: nil, limit: nil).episodes
        #expect(episodes.count >= 2 && episodes.allSatisfy { !$0.text.contains("unreadable") }, "\(episodes)")
        #expect(episodes.contains { $0.text.contains(result) }, "\(episodes)")
        let sortie = try daemon.client().sortie(sortieID, full: true)
        #expect(sortie.task == sortieTask && sortie.outcome?.notes == [agentNote], "\(sortie)")
        #expect(sortie.log?.contains { $0.text.contains(agentNote) } == true)
        let pins = try daemon.client().tuples(harbor: nil, limit: 100).tuples
        #expect(pins.contains { $0.tuple.last == .string(pinText) }, "\(pins)")
        let status = try daemon.client().encryptionStatus()
        #expect(status.ok && status.plaintextRows == 0 && status.sealedRows >= 4 && status.dataKeys >= 2, "\(status)")
    }

    @Test("master.key moved away: the note reads NOTE_KEY_MISSING, the daemon stays up, pd doctor says why, no new key is made")
    func missingKey() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let text = Self.marker("missing")
        try Self.begin(daemon, agent: "enc-b")
        try Self.note(daemon, text, agent: "enc-b")
        #expect(daemon.stop() == 0)
        try FileManager.default.moveItem(atPath: daemon.home + "/master.key", toPath: daemon.home + "/aside.key")

        try daemon.start()
        let notes = try Self.notes(daemon)
        #expect(notes.count == 1 && notes[0].unreadable?.code == "NOTE_KEY_MISSING" && !notes[0].text.contains("MARKER"), "\(notes)")
        let shown = try daemon.pd(["notes"], environment: ["PD_AGENT_ID": "enc-b"])
        #expect(shown.status == 0 && shown.stdout.contains("NOTE_KEY_MISSING"), "\(shown.stdout) \(shown.stderr)")
        let refused = try daemon.pd(["note", "not without a key"], environment: ["PD_AGENT_ID": "enc-b"])
        #expect(refused.status == 1 && refused.stderr.contains("master key"), "\(refused.stderr)")
        let doctor = try daemon.pd(["doctor"])
        #expect(doctor.status != 0 && doctor.stdout.contains("NOTE_KEY_MISSING") && doctor.stdout.contains("master.key"), "\(doctor.stdout)")
        #expect(try daemon.pd(["status"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.home + "/master.key"))

        // The key back: readable again.
        #expect(daemon.stop() == 0)
        try FileManager.default.moveItem(atPath: daemon.home + "/aside.key", toPath: daemon.home + "/master.key")
        try daemon.start()
        #expect(try Self.notes(daemon).map(\.text) == [text])
    }

    @Test("one flipped ciphertext byte: NOTE_TAMPERED for that note only, the others read")
    func tamperedRow() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        try Self.begin(daemon, agent: "enc-c")
        let (first, second) = (Self.marker("one"), Self.marker("two"))
        try Self.note(daemon, first, agent: "enc-c")
        try Self.note(daemon, second, agent: "enc-c")
        #expect(daemon.stop() == 0)
        do {
            let queue = try DatabaseQueue(path: daemon.home + "/registry.sqlite")
            defer { try? queue.close() }
            try queue.write { db in
                let row = try #require(try Row.fetchOne(db, sql: "SELECT id, text FROM notes ORDER BY id LIMIT 1"))
                var sealed: Data = row["text"]
                sealed[sealed.count / 2] ^= 0x01
                // Tampering below SQL's rules: the arbiter's trigger refuses rewriting a note (the daemon puts it back at start).
                try db.execute(sql: "DROP TRIGGER notes_never_rewritten")
                try db.execute(sql: "UPDATE notes SET text = ? WHERE id = ?", arguments: [sealed, row["id"] as Int64])
            }
        }
        try daemon.start()
        let notes = try Self.notes(daemon)
        #expect(notes.count == 2)
        #expect(notes.first?.unreadable?.code == "NOTE_TAMPERED" && notes.first?.text.contains("MARKER") == false, "\(notes)")
        #expect(notes.last?.unreadable == nil && notes.last?.text == second, "\(notes)")
    }

    @Test("a plaintext row of the old format stays readable and is sealed at the next start")
    func plaintextMigrated() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        try Self.begin(daemon, agent: "enc-d")
        let session = try #require(try daemon.client().sessions(all: true).sessions.first?.id)
        #expect(daemon.stop() == 0)
        let text = Self.marker("plain")
        do {
            let queue = try DatabaseQueue(path: daemon.home + "/registry.sqlite")
            defer { try? queue.close() }
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO notes (session_id, type, text, at, enc) VALUES (?, 'note', ?, ?, 0)",
                    arguments: [session, text, Int64(Date().timeIntervalSince1970 * 1000)])
            }
        }
        #expect(try Self.filesContaining(text, in: daemon.home) == ["registry.sqlite"])
        try daemon.start()
        #expect(try Self.notes(daemon).map(\.text) == [text])
        #expect(try daemon.client().encryptionStatus().plaintextRows == 0)
        #expect(daemon.stop() == 0)
        #expect(try Self.filesContaining(text, in: daemon.home) == [])
        try daemon.start()
        #expect(try Self.notes(daemon).map(\.text) == [text])
    }

    @Test("pd keys rotate: notes still read, the key file changed, the old key opens no wrapped key; over TCP without the token 401")
    func rotation() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        try Self.begin(daemon, agent: "enc-e")
        let text = Self.marker("rotate")
        try Self.note(daemon, text, agent: "enc-e")
        let keyFile = daemon.home + "/master.key"
        let old = try #require(FileManager.default.contents(atPath: keyFile))

        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: daemon.tcpPort))
        #expect(try tcp.send(method: "POST", path: "/keys/rotate").status == 401)
        // A web page (foreign Origin) or a rebinding name (foreign Host) is refused even with the token.
        let token = try String(contentsOfFile: daemon.home + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let page = try tcp.send(method: "POST", path: "/keys/rotate", headers: [("X-PD-Token", token), ("Origin", "http://evil.example")])
        #expect(page.status == 403 && String(decoding: page.body, as: UTF8.self).contains("FORBIDDEN_ORIGIN"))
        let rebinding = try CommandResult.run(
            "/usr/bin/env",
            [
                "curl", "-s", "-X", "POST", "-H", "Host: attacker.example", "-H", "X-PD-Token: \(token)",
                "http://127.0.0.1:\(daemon.tcpPort)/keys/rotate",
            ], environment: [:])
        #expect(rebinding.stdout.contains("FORBIDDEN_HOST"), "\(rebinding.stdout)")
        #expect(FileManager.default.contents(atPath: keyFile) == old)

        let rotated = try daemon.pd(["keys", "rotate"])
        #expect(rotated.status == 0 && rotated.stdout.contains("1 data key"), "\(rotated.stdout) \(rotated.stderr)")
        let new = try #require(FileManager.default.contents(atPath: keyFile))
        #expect(new.count == 32 && new != old && !FileManager.default.fileExists(atPath: keyFile + ".next"))
        #expect(try Self.notes(daemon).map(\.text) == [text])
        let queue = try DatabaseQueue(path: daemon.home + "/registry.sqlite", configuration: Self.readOnly)
        defer { try? queue.close() }
        let wrapped = try queue.read { try Row.fetchAll($0, sql: "SELECT scope, wrapped FROM data_keys") }
        #expect(wrapped.count == 1)
        for row in wrapped {
            let context = SealedText.wrapContext(scope: row["scope"])
            #expect(throws: SealedText.Failure.tampered) { try SealedText.open(row["wrapped"], keyBytes: old, context: context) }
            #expect(try SealedText.open(row["wrapped"], keyBytes: new, context: context).count == 32)
        }
        #expect(daemon.stop() == 0)
        try daemon.start()
        #expect(try Self.notes(daemon).map(\.text) == [text])
    }

    @Test("the key appears in no answer: keys, status, diagnostics, sessions, briefing, doctor, rotate")
    func keyNeverOnTheWire() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        try Self.begin(daemon, agent: "enc-f")
        try Self.note(daemon, Self.marker("wire"), agent: "enc-f")
        let before = try #require(FileManager.default.contents(atPath: daemon.home + "/master.key"))
        let token = try String(contentsOfFile: daemon.home + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: daemon.tcpPort))
        var answers: [String] = []
        for path in ["/keys", "/status", "/diagnostics", "/sessions?all=true", "/briefing"] {
            let answer = try tcp.send(method: "GET", path: path, headers: [("X-PD-Token", token)])
            #expect(answer.status == 200, "\(path): \(answer.status)")
            answers.append(String(decoding: answer.body, as: UTF8.self))
        }
        let rotated = try tcp.send(method: "POST", path: "/keys/rotate", headers: [("X-PD-Token", token)])
        #expect(rotated.status == 200)
        answers.append(String(decoding: rotated.body, as: UTF8.self))
        answers.append(try daemon.pd(["doctor", "--json"]).stdout)
        answers.append(try daemon.pd(["keys", "--json"]).stdout)
        let after = try #require(FileManager.default.contents(atPath: daemon.home + "/master.key"))
        for key in [before, after] {
            let hex = key.map { String(format: "%02x", $0) }.joined()
            for form in [hex, hex.uppercased(), key.base64EncodedString()] {
                #expect(!answers.contains { $0.contains(form) }, "the key is in an answer")
            }
        }
        #expect(answers[0].contains("master.key"))
    }

    static var readOnly: Configuration {
        var config = Configuration()
        config.readonly = true
        return config
    }
}
