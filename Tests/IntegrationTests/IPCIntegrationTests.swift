import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import PortDaddyWire
import Testing

/// The binary IPC socket from the CLI's and the daemon's side: `pd claim`, `get-port`, `pd release` and `pd lock`
/// really use it, answer exactly as over HTTP, and fall back to HTTP when it is not there; the socket is the
/// owner's only, and survives daemon restarts and crashes (docs/IPC.md).
@Suite("IPC socket (pd and the daemon)")
struct IPCIntegrationTests {
    static let noAutostart = ["PORT_DADDY_NO_AUTOSTART": "1"]

    @Test("pd claim, get-port, release, lock and unlock work with the HTTP socket gone: they used pd.ipc")
    func cliUsesIPC() throws {
        let daemon = try TestDaemon(environment: Self.noAutostart)
        try daemon.start()
        // With pd.sock unlinked the daemon is unreachable over HTTP; only the IPC socket is left.
        #expect(unlink(daemon.home + "/pd.sock") == 0)
        let claim = try daemon.pd(["claim", "ipc-only:api", "-q"])
        #expect(claim.status == 0, "\(claim.stderr)")
        #expect(Int(claim.output) != nil)
        let again = try daemon.pd(["claim", "ipc-only:api"])
        #expect(again.status == 0 && again.output.contains("→ \(claim.output) (kept;"), "\(again.stdout)\(again.stderr)")
        let json = try daemon.pd(["claim", "ipc-only:api", "--json"])
        #expect(json.status == 0 && json.output.contains("\"port\""), "\(json.stderr)")
        let legacy = try daemon.pd(["get-port", "legacy-app"])
        #expect(legacy.status == 0 && Int(legacy.output) != nil, "\(legacy.stderr)")
        let lock = try daemon.pd(["lock", "db:migrate", "--owner", "t"])
        #expect(lock.status == 0 && lock.output == "1", "\(lock.stderr)")
        let extend = try daemon.pd(["lock", "extend", "db:migrate", "--owner", "t", "--ttl", "10m"])
        #expect(extend.status == 0 && extend.output.contains("held by t"), "\(extend.stderr)")
        let held = try daemon.pd(["lock", "db:migrate", "--owner", "u"])
        #expect(held.status == 4 && held.stderr.contains("held by t"), "\(held.stderr)")
        let unlock = try daemon.pd(["unlock", "db:migrate", "--owner", "t"])
        #expect(unlock.status == 0 && unlock.output == "released db:migrate", "\(unlock.stderr)")
        let release = try daemon.pd(["release", "ipc-only:*"])
        #expect(release.status == 0 && release.output == "released ipc-only:api (port \(claim.output))", "\(release.stdout)\(release.stderr)")
        // A command that has no IPC op still needs HTTP, and says it is unreachable.
        #expect(try daemon.pd(["services"]).status != 0)
    }

    @Test("the same commands print and exit identically over IPC and over HTTP (PORT_DADDY_IPC=off)")
    func identicalOverHTTP() throws {
        func transcript(_ environment: [String: String]) throws -> [String] {
            let daemon = try TestDaemon(environment: environment.merging(Self.noAutostart) { $1 })
            try daemon.start()
            #expect(FileManager.default.fileExists(atPath: daemon.home + "/pd.ipc") == (environment["PORT_DADDY_IPC"] == nil))
            var lines: [String] = []
            let port = try daemon.pd(["claim", "same:web", "-q", "--port", "47311"]).output
            for arguments in [
                ["claim", "same:web"], ["claim", "other", "--port", port], ["claim", "other", "--port", "70000"],
                ["claim", "Bad Name"], ["get-port", "same-v1", "47312"], ["get-port", "same-v1"],
                ["lock", "l1", "--owner", "a"], ["lock", "l1", "--owner", "b"], ["lock", "extend", "l1", "--owner", "b"],
                ["unlock", "l1", "--owner", "b"], ["unlock", "l1", "--owner", "a"], ["unlock", "l1", "--owner", "a"],
                ["lock", "bad name!"], ["release", "nothing-here"], ["release", "same:*"], ["release", "same-v1"],
            ] {
                let result = try daemon.pd(arguments)
                lines.append("\(arguments.joined(separator: " ")) → \(result.status) | \(result.stdout) | \(result.stderr)")
            }
            return lines
        }
        let overIPC = try transcript([:])
        let overHTTP = try transcript(["PORT_DADDY_IPC": "off"])
        #expect(overIPC == overHTTP)
        #expect(overIPC.contains { $0.hasPrefix("claim other --port 47311 → 4 |") })
    }

    @Test("pd lock --wait over IPC is answered when the lock is granted")
    func lockWaitFromCLI() throws {
        let daemon = try TestDaemon(environment: Self.noAutostart)
        try daemon.start()
        #expect(try daemon.pd(["lock", "deploy", "--owner", "a"]).output == "1")
        let waiter = try daemon.spawnPD(["lock", "deploy", "--owner", "b", "--wait", "60s"])
        // Once the daemon lists the waiter, the holder lets go.
        #expect(try eventually { try daemon.client().locks().locks.first?.waiters == 1 })
        #expect(try daemon.pd(["unlock", "deploy", "--owner", "a"]).status == 0)
        let result = waiter.wait()
        #expect(result.status == 0 && result.output == "2", "\(result.stdout)\(result.stderr)")
        #expect(try daemon.client().locks().locks.first?.owner == "b")
    }

    @Test("pd.ipc is mode 0600 in the data dir, and goes away when the daemon stops")
    func socketMode() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        var info = stat()
        #expect(stat(daemon.home + "/pd.ipc", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.home + "/pd.ipc"))
    }

    @Test("daemon restart: an open subscription gets failure SHUTTING_DOWN with its cursor; after restart IPC serves the same registry")
    func daemonRestart() throws {
        let daemon = try TestDaemon(environment: Self.noAutostart)
        try daemon.start()
        let port = try daemon.pd(["claim", "survivor", "-q"]).output
        let ipc = IPCConnection(path: daemon.home + "/pd.ipc")
        try ipc.connect()
        try ipc.send(IPCMessage(.subscribe, conversationID: "s", content: .object(["args": .object(["pattern": .string("news")])])))
        #expect(try ipc.receive().performative == .agree)
        #expect(daemon.stop() == 0)
        let end = try ipc.receive()
        #expect(end.performative == .failure && end.content["code"] == .string("SHUTTING_DOWN") && end.content["cursor"] != nil, "\(end)")
        try daemon.start()
        let again = IPCConnection(path: daemon.home + "/pd.ipc")
        let claim = try again.call(.claim, ClaimRequest(id: try Identity(parsing: "survivor")), as: ClaimResponse.self)
        #expect(String(claim.port) == port && claim.existing)
    }

    @Test("after kill -9 the stale pd.ipc is refused, pd falls back to HTTP (and autostart), and the next daemon takes the socket over")
    func staleSocketAfterCrash() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let port = try daemon.pd(["claim", "crash", "-q"]).output
        #expect(daemon.stop(signal: SIGKILL) != 0)
        #expect(FileManager.default.fileExists(atPath: daemon.home + "/pd.ipc"))
        #expect(IPCConnection.open(daemon.portDaddyEnvironment) == nil)
        let claim = try daemon.pd(["claim", "crash", "-q"])  // autostarts a daemon over HTTP
        #expect(claim.status == 0 && claim.output == port, "\(claim.stderr)")
        _ = try daemon.waitUntilReady()
        let ipc = try #require(IPCConnection.open(daemon.portDaddyEnvironment))
        let health = try ipc.request(.health, .object([:]))
        #expect(health["status"] == .string("ok"))
    }

    static let foreign = ForeignUser.ensure()

    @Test(
        "another local user is refused with FOREIGN_USER even when the socket file is opened to everyone",
        .enabled(if: foreign.uid != nil, "\(foreign.reason)"))
    func foreignUser() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let socket = daemon.home + "/pd.ipc"
        chmod(daemon.home, 0o711)
        chmod(socket, 0o666)
        defer { chmod(daemon.home, 0o700) }
        let probe = """
            import socket, struct, sys
            s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(sys.argv[1])
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk: break
                data += chunk
            print(data[4:].decode("utf-8", "replace"))
            """
        let result = try ForeignUser.run("/usr/bin/python3", ["-c", probe, socket])
        #expect(result.stdout.contains("FOREIGN_USER") && result.stdout.contains("refuse"), "\(result.stdout)\(result.stderr)")
        let pid = try #require(daemon.daemonPID)
        #expect(kill(pid, 0) == 0)
    }
}
