import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Locks across real processes")
struct LockIntegrationTests {
    @Test("50 processes contend for one lock: never two at once, tokens strictly increase")
    func contention() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let log = daemon.home + "/critical.log"
        let running = try (0..<50).map { _ in
            try daemon.spawnPD(["with-lock", "shared:resource", "--wait", "120s", "--", "/bin/sh", "-c", CriticalSectionLog.script, "sh", log])
        }
        let results = running.map { $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.filter { $0.status != 0 }.map(\.stderr))")
        let tokens = try CriticalSectionLog.tokens(at: log, sections: 50)
        #expect(tokens == tokens.sorted() && Set(tokens).count == tokens.count)
        #expect(try daemon.client().locks().count == 0)
    }

    @Test("with-lock exits with the command's code and passes the token")
    func withLockExitCode() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let result = try daemon.pd(["with-lock", "job", "--", "/bin/sh", "-c", "echo $PD_LOCK_NAME $PD_LOCK_TOKEN; exit 7"])
        #expect(result.status == 7)
        #expect(result.output == "job 1")
        #expect(try daemon.pd(["with-lock", "job", "--", "/nonexistent"]).status == 127)
        #expect(try daemon.client().locks().count == 0)
    }

    @Test("a lock held by a killed process is released")
    func killedHolder() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_REAP_INTERVAL": "0.2"])
        try daemon.start()
        let holder = try RunningCommand("/bin/sleep", ["300"], environment: [:])
        #expect(try daemon.pd(["lock", "held", "--pid", String(holder.pid)]).status == 0)
        #expect(try daemon.pd(["lock", "held", "--owner", "other"]).status == 4)
        kill(holder.pid, SIGKILL)
        _ = holder.wait()
        #expect(try eventually { try daemon.client().locks().count == 0 })
        // A with-lock process killed mid-command loses its lock too.
        let runner = try daemon.spawnPD(["with-lock", "held", "--", "/bin/sleep", "300"])
        #expect(try eventually { try daemon.client().locks().locks.first?.pid == Int(runner.pid) })
        kill(runner.pid, SIGKILL)
        _ = runner.wait()
        #expect(try eventually { try daemon.client().locks().count == 0 })
    }

    @Test("a waiter gets the lock when the holder releases it, and times out otherwise")
    func waiting() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let me = String(getpid())
        #expect(try daemon.pd(["lock", "gate", "--pid", me]).output == "1")
        let waiter = try daemon.spawnPD(["lock", "gate", "--wait", "60s", "--owner", "waiter", "--pid", me])
        #expect(try eventually { try daemon.client().locks().locks.first?.waiters == 1 })
        #expect(try daemon.pd(["unlock", "gate", "--pid", me]).status == 0)
        let result = waiter.wait()
        #expect(result.status == 0)
        #expect(result.output == "2")
        let late = try daemon.pd(["lock", "gate", "--wait", "0.3s", "--pid", me])
        #expect(late.status == 4)
        #expect(late.stderr.contains("timed out"))
        #expect(try daemon.pd(["unlock", "gate", "--pid", me]).status == 7)
        #expect(try daemon.pd(["unlock", "gate", "--force", "--pid", me]).status == 0)
    }

    @Test("a restart keeps locks and their tokens")
    func restartKeepsLocks() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let me = String(getpid())
        for _ in 0..<3 {
            #expect(try daemon.pd(["lock", "persist", "--pid", me]).status == 0)
            #expect(try daemon.pd(["unlock", "persist", "--pid", me]).status == 0)
        }
        #expect(try daemon.pd(["lock", "persist", "--pid", me]).output == "4")
        #expect(daemon.stop() == 0)
        try daemon.start()
        let locks = try daemon.client().locks()
        #expect(locks.locks.map(\.token) == [4])
        #expect(try daemon.pd(["unlock", "persist", "--pid", me]).status == 0)
        #expect(try daemon.pd(["lock", "persist", "--pid", me]).output == "5")
    }

    @Test("bad lock input gets clear errors")
    func badInput() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["lock", "bad name"]).status == 2)
        #expect(try daemon.pd(["lock", "ok", "--ttl", "soon"]).status == 2)
        #expect(try daemon.pd(["with-lock", "ok"]).status == 2)
        let raw = try daemon.client().send("POST", "/locks/a:b:c:d:e", body: nil)
        #expect(raw.status == 400)
        #expect(String(decoding: raw.body, as: UTF8.self).contains(ErrorCode.invalidLockName.rawValue))
        let ownerless = try daemon.client().send("POST", "/locks/x", body: Array("{}".utf8))
        #expect(ownerless.status == 400)
        // Absurd durations are refused, not overflowed.
        let huge = try daemon.client().send("POST", "/locks/x", body: Array(#"{"owner":"a","ttl":1e17}"#.utf8))
        #expect(huge.status == 400)
        #expect(try daemon.pd(["lock", "x", "--ttl", "1e17"]).status == 2)
        #expect(try daemon.pd(["claim", "x", "--expires", "99999999999s"]).status == 2)
        #expect(try daemon.client().health().status == "ok")
        #expect(try daemon.pd(["lock", "a:b:c:d:e"]).stderr.contains("more than 4 segments"))
    }
}

@Suite("Lock waiters that go away")
struct LockWaiterDisconnectTests {
    @Test("a waiting pd lock that is killed leaves the queue and never holds the lock")
    func killedWaiter() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let me = String(getpid())
        #expect(try daemon.pd(["lock", "gate", "--pid", me]).status == 0)
        let waiter = try daemon.spawnPD(["lock", "gate", "--wait", "60s", "--owner", "impatient", "--pid", me])
        #expect(try eventually { try daemon.client().locks().locks.first?.waiters == 1 })
        kill(waiter.pid, SIGKILL)
        _ = waiter.wait()
        #expect(try eventually { try daemon.client().locks().locks.first?.waiters == 0 })
        #expect(try daemon.pd(["unlock", "gate", "--pid", me]).status == 0)
        #expect(try daemon.client().locks().count == 0)
    }
}

/// A lock waiter on loopback TCP whose client goes away (a half-close or a killed process) leaves the queue, as one
/// on the Unix socket does: no ghost ever gets the lock.
@Suite("Lock waiters that hang up over TCP")
struct LockTCPWaiterTests {
    /// A client that queues for `name` over TCP, then hangs up as told: `shutdown` (FIN, process lives on) or
    /// `kill` (the test kills it).
    static func waiter(_ port: Int, _ name: String, _ how: String) -> String {
        """
        import socket, sys, time
        s = socket.create_connection(("127.0.0.1", \(port)))
        body = b'{"owner":"ghost-\(how)","wait":"60s"}'
        head = b"POST /locks/\(name) HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Type: application/json\\r\\n"
        s.sendall(head + b"Content-Length: " + str(len(body)).encode() + b"\\r\\n\\r\\n" + body)
        print("sent", flush=True)
        if "\(how)" == "shutdown":
            time.sleep(0.5)
            s.shutdown(socket.SHUT_WR)
        time.sleep(120)
        """
    }

    @Test("a TCP waiter that half-closes or is killed leaves the queue and never holds the lock", arguments: ["shutdown", "kill"])
    func hungUpWaiter(how: String) throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let me = String(getpid())
        let name = "tcp-" + how
        #expect(try daemon.pd(["lock", name, "--pid", me]).status == 0)
        let client = try RunningCommand("/usr/bin/env", ["python3", "-c", Self.waiter(info.tcpPort, name, how)], environment: daemon.environment)
        defer {
            kill(client.pid, SIGKILL)
            _ = client.wait()
        }
        #expect(try eventually { try daemon.client().locks().locks.first?.waiters == 1 })
        if how == "kill" { kill(client.pid, SIGKILL) }
        #expect(try eventually { try daemon.client().locks().locks.first?.waiters == 0 }, "the waiter stayed in the queue")
        #expect(try daemon.pd(["unlock", name, "--pid", me]).status == 0)
        // Nobody was waiting, so nobody got it: the lock is free.
        #expect(try daemon.client().locks().count == 0)
    }
}
