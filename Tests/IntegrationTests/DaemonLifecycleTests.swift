import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Daemon lifecycle")
struct DaemonLifecycleTests {
    @Test("a restart keeps every claim")
    func restartKeepsClaims() throws {
        let daemon = try TestDaemon()
        #expect(try daemon.pd(["start"]).status == 0)
        var before: [String: String] = [:]
        for i in 0..<6 { before["keep:s\(i)"] = try daemon.pd(["claim", "keep:s\(i)", "-q", "--sticky"]).output }
        let restarted = try daemon.pd(["restart"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        let list = try JSONDecoder().decode(ServicesResponse.self, from: Data(try daemon.pd(["find", "--json"]).stdout.utf8))
        var after: [String: String] = [:]
        for s in list.services { after[s.id] = String(s.port) }
        #expect(after == before)
        #expect(try daemon.pd(["stop"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.home + "/pd.sock"))
    }

    @Test("SIGTERM stops the daemon with exit 0 and a checkpointed WAL")
    func gracefulShutdown() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        for i in 0..<20 { _ = try daemon.pd(["claim", "wal:s\(i)", "-q"]) }
        #expect(daemon.stop(signal: SIGTERM) == 0)
        let wal = (try? FileManager.default.attributesOfItem(atPath: daemon.home + "/registry.sqlite-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.home + "/daemon.json"))
        try daemon.start()
        #expect(try daemon.client().services().count == 20)
        #expect(daemon.stop(signal: SIGINT) == 0)
    }

    @Test("a second daemon on the same data dir refuses and says where the first is")
    func singleDaemonPerHome() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let second = try daemon.pd(["daemon"])
        #expect(second.status == 6)
        #expect(second.stderr.contains("pid \(info.pid)"))
        // The first one still serves.
        #expect(try daemon.client().health().status == "ok")
        let start = try daemon.pd(["start"])
        #expect(start.status == 0)
        #expect(start.stdout.contains("already running"))
    }

    @Test("the data dir is 0700 and the socket 0600")
    func permissions() throws {
        let daemon = try TestDaemon()
        try FileManager.default.removeItem(atPath: daemon.home)
        try daemon.start()
        let dir = try FileManager.default.attributesOfItem(atPath: daemon.home)[.posixPermissions] as? Int
        let sock = try FileManager.default.attributesOfItem(atPath: daemon.home + "/pd.sock")[.posixPermissions] as? Int
        #expect(dir == 0o700)
        #expect(sock == 0o600)
    }

    @Test("with autostart off, commands fail with exit 3 and one clear line")
    func noAutostart() throws {
        let daemon = try TestDaemon()
        let result = try daemon.pd(["claim", "x", "-q"], environment: ["PORT_DADDY_NO_AUTOSTART": "1"])
        #expect(result.status == 3)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("PORT_DADDY_NO_AUTOSTART"))
        #expect(try daemon.pd(["status"]).status == 3)
    }

    @Test("a socket path over the OS limit is refused with a message naming the limit")
    func socketPathTooLong() throws {
        let daemon = try TestDaemon()
        let long = daemon.home + "/" + String(repeating: "s", count: 120) + ".sock"
        let result = try daemon.pd(["daemon"], environment: ["PORT_DADDY_SOCKET": long])
        #expect(result.status == 1)
        #expect(result.stderr.contains("at most \(PortDaddyEnvironment.maxSocketPathBytes)"))
    }

    @Test("doctor passes on a healthy daemon and status reports it")
    func doctorAndStatus() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let doctor = try daemon.pd(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("database"))
        let status = try JSONDecoder().decode(StatusResponse.self, from: Data(try daemon.pd(["status", "--json"]).stdout.utf8))
        #expect(status.tcpPort == daemon.tcpPort)
        #expect(status.reserved.contains(daemon.tcpPort))
        #expect(status.tcpHost == "127.0.0.1")
    }

    @Test("doctor with no daemon running checks the database file read-only, through pd-daemon (pd holds no SQLite code)")
    func doctorOffline() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        #expect(try daemon.pd(["claim", "offline:db", "-q"]).status == 0)
        _ = daemon.stop()
        let doctor = try daemon.pd(["doctor"], environment: ["PORT_DADDY_NO_AUTOSTART": "1"])
        #expect(doctor.stdout.contains(daemon.home + "/registry.sqlite: ok"), "\(doctor.stdout)")
        let direct = try daemon.pd(["integrity-check", daemon.home + "/nothing-here.db"])
        #expect(direct.status == 0 && !direct.stdout.contains("ok"), "a missing file is not reported sound: \(direct.stdout)")
    }

    @Test("install --dry-run writes nothing; install and uninstall manage the unit and the v1 links")
    func installAndUninstall() throws {
        let daemon = try TestDaemon()
        let fakeHome = daemon.home + "/user"
        let env = ["HOME": fakeHome, "XDG_CONFIG_HOME": fakeHome + "/.config"]
        let dry = try daemon.pd(["install", "--dry-run"], environment: env)
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("ExecStart=") || dry.stdout.contains("ProgramArguments"))
        #expect(!FileManager.default.fileExists(atPath: fakeHome))
        let install = try daemon.pd(["install", "--no-start", "--bin-dir", fakeHome + "/bin"], environment: env)
        #expect(install.status == 0, "\(install.stderr)")
        let unit = try String(contentsOfFile: fakeHome + "/.config/systemd/user/port-daddy.service", encoding: .utf8)
        // systemd waits for the daemon's READY=1 and restarts it when its WATCHDOG=1 pings stop (SystemdNotifyTests).
        #expect(unit.contains("\nType=notify\n") && unit.contains("\nNotifyAccess=main\n") && unit.contains("\nWatchdogSec=30\n"), "\(unit)")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: fakeHome + "/bin/get-port")
        #expect(
            link == daemon.binary
                || URL(fileURLWithPath: link).resolvingSymlinksInPath() == URL(fileURLWithPath: daemon.binary).resolvingSymlinksInPath())
        let uninstall = try daemon.pd(["uninstall", "--bin-dir", fakeHome + "/bin"], environment: env)
        #expect(uninstall.status == 0)
        #expect(!FileManager.default.fileExists(atPath: fakeHome + "/.config/systemd/user/port-daddy.service"))
        #expect(!FileManager.default.fileExists(atPath: fakeHome + "/bin/get-port"))
    }

    @Test("shell completions are generated for bash, zsh and fish")
    func completions() throws {
        let daemon = try TestDaemon()
        for shell in ["bash", "zsh", "fish"] {
            let result = try daemon.pd(["completions", shell])
            #expect(result.status == 0)
            #expect(result.stdout.contains("claim"))
        }
        #expect(try daemon.pd(["completions", "tcsh"]).status == 2)
    }
}
