import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem
import PortDaddyTesting
import Testing

@Suite("Snapshots of claimed files: taken for trusted claims only, listed, shown, restored by the CLI")
struct SnapshotIntegrationTests {
    func snapshots(_ daemon: TestDaemon) throws -> [SnapshotInfo] {
        try JSONDecoder().decode(SnapshotsResponse.self, from: Data(try daemon.pd(["snapshots", "--json"]).stdout.utf8)).snapshots
    }

    @Test(
        "a claim over the socket, a rewrite → a snapshot with the right hashes; restore brings the bytes back; a later edit refuses without --force")
    func takeAndRestore() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_SNAPSHOT_POLL": "0.2"])
        try daemon.start()
        let repo = try GitRepo(daemon, files: ["config.json": "v1\n"])
        let file = repo.path + "/config.json"
        #expect(try repo.pd(["begin", "tune config"], as: "alice").status == 0)
        #expect(try repo.pd(["claim-files", "config.json"], as: "alice").status == 0)
        try repo.write("config.json", "v2, longer\n")
        chmod(file, 0o640)  // restore keeps the mode the file has
        #expect(eventually { (try? snapshots(daemon))?.isEmpty == false })
        let taken = try #require(try snapshots(daemon).first)
        #expect(taken.path == file && taken.agentID == "alice")
        #expect(taken.before == ContentHash.of(Data("v1\n".utf8)) && taken.after == ContentHash.of(Data("v2, longer\n".utf8)))
        let activity = try daemon.pd(["activity", "--json"]).stdout
        #expect(activity.contains("files.changed") && activity.contains("changed during claim"))
        let restored = try daemon.pd(["snapshots", "restore", String(taken.id)])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(repo.read("config.json") == "v1\n")
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o640)
        // A further edit: the file no longer matches the snapshot's `after`.
        try repo.write("config.json", "v3\n")
        let refused = try daemon.pd(["snapshots", "restore", String(taken.id)])
        #expect(refused.status == 4 && refused.stderr.contains("changed after snapshot"), "\(refused.stderr)")
        #expect(repo.read("config.json") == "v3\n")
        let diff = try daemon.pd(["snapshots", "show", String(taken.id), "--diff"])
        #expect(diff.stdout.contains("-v1") && diff.stdout.contains("+v3"), "\(diff.stdout)")
        #expect(try daemon.pd(["snapshots", "restore", String(taken.id), "--force"]).status == 0)
        #expect(repo.read("config.json") == "v1\n")
        #expect(try daemon.pd(["snapshots", "--path", file]).stdout.contains("alice"))
    }

    @Test("a claim over TCP without the token is not watched, and GET /snapshots/{id} over TCP without the token → 401")
    func untrustedClaims() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_SNAPSHOT_POLL": "0.2"])
        try daemon.start()
        let repo = try GitRepo(daemon, files: ["watched.txt": "w1\n", "secret.txt": "s1\n"])
        #expect(try repo.pd(["begin", "edit"], as: "alice").status == 0)
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: daemon.tcpPort))
        let body = try JSONEncoder().encode(FileClaimRequest(paths: [repo.path + "/secret.txt"]))
        let claim = try tcp.send(
            method: "POST", path: "/files/claim", body: Array(body), headers: [("X-PD-Agent", "alice"), ("Content-Type", "application/json")])
        #expect(claim.status == 201, "\(String(decoding: claim.body, as: UTF8.self))")
        #expect(try repo.pd(["claim-files", "watched.txt"], as: "alice").status == 0)
        try repo.write("watched.txt", "w2, longer\n")
        #expect(eventually { (try? snapshots(daemon))?.count == 1 })
        // The secret changes, then the watched file again: a pass sees both before the second snapshot appears.
        try repo.write("secret.txt", "s2, longer\n")
        try repo.write("watched.txt", "w3, even longer\n")
        #expect(eventually { (try? snapshots(daemon))?.count == 2 })
        let all = try snapshots(daemon)
        #expect(all.allSatisfy { $0.path == repo.path + "/watched.txt" })
        let id = try #require(all.first?.id)
        let bytes = try tcp.send(method: "GET", path: "/snapshots/\(id)")
        #expect(bytes.status == 401 && String(decoding: bytes.body, as: UTF8.self).contains("UNTRUSTED_CALLER"))
        #expect(try tcp.send(method: "GET", path: "/snapshots").status == 200)
        let viaSocket = try daemon.client().snapshot(id)
        #expect(viaSocket.content == Data("w2, longer\n".utf8))
    }
}
