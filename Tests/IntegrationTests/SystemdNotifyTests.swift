import Foundation
import PortDaddyTesting
import Testing

/// The daemon under systemd's `Type=notify` with `WatchdogSec=`: a Python stand-in for systemd binds the
/// `NOTIFY_SOCKET` datagram socket and records what the daemon sends.
@Suite("systemd notify and watchdog")
struct SystemdNotifyTests {
    /// systemd's side: binds a Unix datagram socket (a path, or an abstract name starting with '@'), prints
    /// "bound", then one line per datagram until `count` WATCHDOG=1 arrived or 60 s passed.
    static let standIn = #"""
        import os, socket, sys, time
        address, want = sys.argv[1], int(sys.argv[2])
        if not address.startswith("@") and os.path.exists(address):
            os.unlink(address)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind("\0" + address[1:] if address.startswith("@") else address)
        print("bound", flush=True)
        s.settimeout(1)
        seen, deadline = 0, time.time() + 60
        while time.time() < deadline and seen < want:
            try:
                message = s.recv(4096).decode()
            except socket.timeout:
                continue
            print(message.replace("\n", " "), flush=True)
            seen += message.split("\n").count("WATCHDOG=1")
        """#

    func listen(_ address: String, watchdogs: Int) throws -> RunningCommand {
        let listener = try RunningCommand(
            "/usr/bin/env", ["python3", "-c", Self.standIn, address, String(watchdogs)], environment: ProcessInfo.processInfo.environment)
        #expect(eventually(timeout: 30) { listener.outputSoFar.hasPrefix("bound") }, "\(listener.outputSoFar)")
        return listener
    }

    @Test("READY=1 once listening, then WATCHDOG=1 every half WATCHDOG_USEC, STOPPING=1 on SIGTERM", arguments: ["path", "abstract"])
    func readyAndWatchdog(kind: String) throws {
        let daemon = try TestDaemon()
        let address = kind == "path" ? daemon.home + "-notify.sock" : "@pd-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { if kind == "path" { unlink(address) } }
        let listener = try listen(address, watchdogs: 3)
        try daemon.start(environment: ["NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"])
        let result = listener.wait()
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "bound")
        #expect(lines.dropFirst().first == "READY=1", "READY=1 comes first: \(lines)")
        #expect(lines.filter { $0 == "WATCHDOG=1" }.count >= 2, "\(lines)")
        #expect(lines.filter { $0 == "READY=1" }.count == 1, "\(lines)")
        // The daemon still answers, and says it stops when it does.
        #expect(try daemon.client().health().status == "ok")
        let stopping = try listen(address, watchdogs: 1_000)
        #expect(daemon.stop(signal: SIGTERM) == 0)
        #expect(eventually(timeout: 30) { stopping.outputSoFar.contains("STOPPING=1") }, "\(stopping.outputSoFar)")
        kill(stopping.pid, SIGKILL)
        _ = stopping.wait()
    }

    @Test("WATCHDOG_PID naming another process: READY=1 but no watchdog pings")
    func watchdogForAnotherProcess() throws {
        let daemon = try TestDaemon()
        let address = daemon.home + "-notify.sock"
        defer { unlink(address) }
        let listener = try listen(address, watchdogs: 1)
        try daemon.start(environment: ["NOTIFY_SOCKET": address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"])
        #expect(eventually(timeout: 30) { listener.outputSoFar.contains("READY=1") }, "\(listener.outputSoFar)")
        // Ten intervals of 0.1 s pass with no ping (a generous margin: a ping would be due every 0.1 s).
        usleep(1_000_000)
        #expect(!listener.outputSoFar.contains("WATCHDOG=1"), "\(listener.outputSoFar)")
        kill(listener.pid, SIGKILL)
        _ = listener.wait()
    }

    @Test("a daemon autostarted by a client that runs under systemd does not notify in the service's name")
    func autostartDoesNotNotify() throws {
        let daemon = try TestDaemon()
        let address = daemon.home + "-notify.sock"
        defer { unlink(address) }
        let listener = try listen(address, watchdogs: 1)
        let claim = try daemon.pd(["claim", "notify:web", "-q"], environment: ["NOTIFY_SOCKET": address, "WATCHDOG_USEC": "200000"])
        #expect(claim.status == 0, "\(claim.stderr)")
        #expect(daemon.lockHeld, "pd started a daemon")
        // The daemon is up (it answered the claim); five watchdog intervals later the socket has heard nothing.
        usleep(500_000)
        #expect(listener.outputSoFar == "bound\n", "\(listener.outputSoFar)")
        #expect(try daemon.pd(["stop"]).status == 0)
        kill(listener.pid, SIGKILL)
        _ = listener.wait()
    }
}
