import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// The daemon is one user's: another local user (a second Unix user the test makes) gets nothing over loopback TCP,
/// the proxy or the Unix socket, and cannot hand it a data dir or a token.
@Suite("one user's daemon: other local users are refused")
struct MultiUserSecurityTests {
    static let foreign = ForeignUser.ensure()

    /// `curl` as the foreign user: the body and the status code on the last line.
    static func curl(_ arguments: [String]) throws -> (body: String, status: Int) {
        let result = try ForeignUser.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}"] + arguments)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.dropLast().joined(separator: "\n"), Int(lines.last ?? "") ?? -1)
    }

    @Test(
        "a data dir that belongs to another user, or that others may write, is refused with how to fix it",
        .enabled(if: foreign.uid != nil, "\(foreign.reason)"))
    func foreignDataDir() throws {
        let uid = try #require(Self.foreign.uid)
        let base = NSTemporaryDirectory() + "pdt-dd-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        // Another user's world-writable dir with a token of theirs in it.
        let theirs = base + "/theirs"
        try FileManager.default.createDirectory(atPath: theirs, withIntermediateDirectories: true)
        try "f".padding(toLength: 64, withPad: "f", startingAt: 0).write(toFile: theirs + "/token", atomically: true, encoding: .utf8)
        chown(theirs, uid, uid)
        chown(theirs + "/token", uid, uid)
        chmod(theirs, 0o777)
        let daemon = try TestDaemon()
        let refused = try daemon.pd(["daemon", "--home", theirs, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("belongs to uid \(uid)") && refused.stderr.contains("PORT_DADDY_HOME"), "\(refused.stderr)")
        // My own dir, but another user planted the token while it was open to them.
        let mine = base + "/mine"
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try "e".padding(toLength: 64, withPad: "e", startingAt: 0).write(toFile: mine + "/token", atomically: true, encoding: .utf8)
        chown(mine + "/token", uid, uid)
        chmod(mine, 0o700)
        let planted = try daemon.pd(["daemon", "--home", mine, "--port", "0"])
        #expect(planted.status != 0 && planted.stderr.contains("\(mine)/token belongs to uid \(uid)"), "\(planted.stderr)")
        // My own dir that others may write to.
        let open = base + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        let writable = try daemon.pd(["daemon", "--home", open, "--port", "0"])
        #expect(writable.status != 0 && writable.stderr.contains("may be written by other users"), "\(writable.stderr)")
    }

    @Test(
        "over loopback TCP and the name proxy another user gets 403 FOREIGN_USER for reads and writes; the owner needs no token",
        .enabled(if: foreign.uid != nil, "\(foreign.reason)"))
    func foreignUserOverTCP() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto"])
        let info = try daemon.start()
        let base = "http://127.0.0.1:\(info.tcpPort)"
        #expect(try daemon.pd(["claim", "owner:app", "-q"]).status == 0)
        for (method, path, body) in [
            ("GET", "/services", ""), ("POST", "/claim", #"{"id":"thief"}"#), ("DELETE", "/release", #"{"id":"owner:app"}"#),
            ("GET", "/sessions", ""),
        ] {
            let answer = try Self.curl(["-X", method, base + path] + (body.isEmpty ? [] : ["-H", "Content-Type: application/json", "-d", body]))
            #expect(answer.status == 403, "\(method) \(path): \(answer)")
            #expect(answer.body.contains("\"code\":\"FOREIGN_USER\""), "\(answer.body)")
        }
        // The owner's claim is untouched, and the owner's v1 curl line works without a token.
        #expect(try daemon.pd(["find", "owner:app", "--json"]).stdout.contains("owner:app"))
        let owner = try CommandResult.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", base + "/health"], environment: [:])
        #expect(owner.stdout.hasSuffix("200"))
        // pd run by the other user against this daemon says why and exits 3 (where that user may run this build).
        if try ForeignUser.run("/usr/bin/test", ["-x", daemon.binary]).status == 0 {
            let theirs = try ForeignUser.run(
                daemon.binary, ["claim", "thief:app", "-q"],
                environment: ["PORT_DADDY_URL": base, "PORT_DADDY_HOME": "/nonexistent/pd", "PATH": "/usr/bin:/bin"])
            #expect(theirs.status == 3 && theirs.stderr.contains("may not use it"), "\(theirs.status) \(theirs.stderr)")
        }
        // Through the proxy, the dashboard (the daemon's own pages) is refused too.
        let proxy = try #require(info.proxyPort)
        let dashboard = try Self.curl(["-H", "Host: dashboard.localhost", "http://127.0.0.1:\(proxy)/"])
        #expect(dashboard.status == 403 && dashboard.body.contains("FOREIGN_USER"), "\(dashboard)")
    }

    @Test(
        "over the Unix socket, even when its file is opened to everyone, another user is refused by its peer credentials",
        .enabled(if: foreign.uid != nil, "\(foreign.reason)"))
    func foreignUserOverSocket() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let socket = daemon.home + "/pd.sock"
        chmod(daemon.home, 0o711)
        chmod(socket, 0o666)
        let answer = try Self.curl(["--unix-socket", socket, "http://localhost/services"])
        #expect(answer.status == 403 && answer.body.contains("FOREIGN_USER"), "\(answer)")
        chmod(daemon.home, 0o700)
    }

    @Test(
        "PORT_DADDY_SHARED=1 serves other users, who then need the token to write or read private data",
        .enabled(if: foreign.uid != nil, "\(foreign.reason)"))
    func sharedDaemon() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_SHARED": "1"])
        let info = try daemon.start()
        let base = "http://127.0.0.1:\(info.tcpPort)"
        #expect(try Self.curl([base + "/services"]).status == 200)
        let write = try Self.curl(["-X", "POST", base + "/claim", "-H", "Content-Type: application/json", "-d", #"{"id":"guest:app"}"#])
        #expect(write.status == 401 && write.body.contains("TOKEN_REQUIRED"), "\(write)")
        let reading = try Self.curl([base + "/sessions"])
        #expect(reading.status == 401, "\(reading)")
        let token = try String(contentsOfFile: daemon.home + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = try Self.curl([
            "-X", "POST", base + "/claim", "-H", "Content-Type: application/json", "-H", "X-PD-Token: \(token)", "-d", #"{"id":"guest:app"}"#,
        ])
        #expect(allowed.status == 200 || allowed.status == 201, "\(allowed)")
    }
}

/// Where the daemon cannot tell who owns a TCP connection (macOS, or PORT_DADDY_PEER_LOOKUP=off as here), the token
/// decides: reads of ports and status stay open, writes and private reads need it; pd sends it, and the Unix socket
/// (checked by its file mode) needs none.
@Suite("unidentified TCP peers: the token decides")
struct UnidentifiedPeerTests {
    @Test("without peer lookup: GET /services works, POST /claim and GET /sessions need the token, pd over TCP and the socket still work")
    func tokenRule() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PEER_LOOKUP": "off"])
        let info = try daemon.start()
        let base = "http://127.0.0.1:\(info.tcpPort)"
        func curl(_ arguments: [String]) throws -> (String, Int) {
            let result = try CommandResult.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}"] + arguments, environment: [:])
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (lines.dropLast().joined(separator: "\n"), Int(lines.last ?? "") ?? -1)
        }
        #expect(try curl([base + "/services"]).1 == 200)
        let write = try curl(["-X", "POST", base + "/claim", "-H", "Content-Type: application/json", "-d", #"{"id":"anon:app"}"#])
        #expect(write.1 == 401 && write.0.contains("TOKEN_REQUIRED"), "\(write)")
        #expect(try curl([base + "/sessions"]).1 == 401)
        let token = try String(contentsOfFile: daemon.home + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = try curl([
            "-X", "POST", base + "/claim", "-H", "Content-Type: application/json", "-H", "X-PD-Token: \(token)", "-d", #"{"id":"anon:app"}"#,
        ])
        #expect(allowed.1 == 201, "\(allowed)")
        // pd sends the token over TCP (the fast path too), and needs none on the socket.
        #expect(try daemon.pd(["claim", "anon:tcp", "-q"], environment: ["PORT_DADDY_URL": base]).status == 0)
        #expect(try daemon.pd(["claim", "anon:tcp2"], environment: ["PORT_DADDY_URL": base]).status == 0)
        #expect(try daemon.pd(["claim", "anon:sock", "-q"]).status == 0)
    }
}
