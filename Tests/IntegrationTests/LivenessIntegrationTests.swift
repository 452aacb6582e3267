import Foundation
import GRDB
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Liveness and the reaper, with real processes")
struct LivenessIntegrationTests {
    static let fastReaper = ["PORT_DADDY_REAP_INTERVAL": "0.2", "PORT_DADDY_REAP_GRACE": "0.5"]

    @Test("a claim owned by a process that exits is freed by the reaper")
    func ownerExitFreesClaim() throws {
        let daemon = try TestDaemon(environment: Self.fastReaper)
        try daemon.start()
        let owner = try RunningCommand("/bin/sleep", ["300"], environment: [:])
        let claimed = try daemon.pd(["claim", "owned:web", "--pid", String(owner.pid), "--json"])
        #expect(claimed.status == 0)
        #expect(claimed.stdout.contains("\"state\" : \"assigned\""))
        // Alive: survives several reaper passes.
        usleep(800_000)
        #expect(try daemon.pd(["find", "owned:web"]).status == 0)
        kill(owner.pid, SIGKILL)
        _ = owner.wait()
        #expect(try eventually { try daemon.pd(["find", "owned:web"]).status == 5 })
        let status = try daemon.client().status()
        #expect(status.reaped >= 1)
    }

    @Test("a listening port keeps its claim and the listener is adopted as the owner")
    func listenerAdopted() throws {
        let daemon = try TestDaemon(environment: Self.fastReaper)
        try daemon.start()
        let shell = try RunningCommand("/bin/sleep", ["0.1"], environment: [:])
        let port = Int(try daemon.pd(["claim", "adopt:web", "--pid", String(shell.pid), "-q"]).output)!
        _ = shell.wait()
        let listener = try Listener(port: port)
        defer { listener.close() }
        #expect(eventually { (try? daemon.client().service("adopt:web"))?.pid == Int(getpid()) })
        let info = try daemon.client().service("adopt:web")
        #expect(info.state == .listening)
        #expect(info.pidAlive)
    }

    @Test("a reused PID does not keep a claim alive")
    func reusedPIDDoesNotKeepClaim() throws {
        let daemon = try TestDaemon(environment: Self.fastReaper)
        try daemon.start()
        let me = String(getpid())
        #expect(try daemon.pd(["claim", "reuse:victim", "--pid", me]).status == 0)
        #expect(try daemon.pd(["claim", "reuse:control", "--pid", me]).status == 0)
        #expect(daemon.stop() == 0)
        // Make the store believe the victim's owner started at another time: exactly what a reused PID looks like.
        let queue = try DatabaseQueue(path: daemon.home + "/registry.sqlite")
        try queue.write { db in
            try db.execute(sql: "UPDATE claims SET pid_start = pid_start + 12345 WHERE identity = 'reuse:victim'")
        }
        try queue.close()
        try daemon.start()
        #expect(try eventually { try daemon.pd(["find", "reuse:victim"]).status == 5 })
        #expect(try daemon.pd(["find", "reuse:control"]).status == 0)
    }

    @Test("an expired claim is freed")
    func expiry() throws {
        let daemon = try TestDaemon(environment: Self.fastReaper)
        try daemon.start()
        #expect(try daemon.pd(["claim", "ttl:web", "--expires", "1s", "--pid", String(getpid())]).status == 0)
        #expect(try eventually { try daemon.pd(["find", "ttl:web"]).status == 5 })
    }

    @Test("pd cleanup frees stale claims on demand")
    func cleanupOnDemand() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "3600", "PORT_DADDY_REAP_GRACE": "0"])
        try daemon.start()
        let owner = try RunningCommand("/bin/sleep", ["0.05"], environment: [:])
        #expect(try daemon.pd(["claim", "gone:web", "--pid", String(owner.pid)]).status == 0)
        _ = owner.wait()
        let result = try daemon.pd(["cleanup", "--json"])
        let response = try JSONDecoder().decode(CleanupResponse.self, from: Data(result.stdout.utf8))
        #expect(response.freed.map(\.project) == ["gone:web"])
        #expect(response.freed.first?.reason == "owner-dead")
    }
}
