import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("HTTPS names through the proxy, with real clients")
struct HTTPSProxyIntegrationTests {
    static let proxyDir = TestDependencies.root + "/Tests/proxy"

    struct Handshake: Decodable {
        var alpn: String?
        var version: String?
        var san: [String]?
        var error: String?
    }

    func curl(_ args: [String]) throws -> CommandResult {
        try CommandResult.run("/usr/bin/env", ["curl", "-s", "--max-time", "10"] + args, environment: [:])
    }

    func python(_ args: [String]) throws -> CommandResult {
        try CommandResult.run("/usr/bin/env", ["python3"] + args, environment: ProcessInfo.processInfo.environment)
    }

    func handshake(port: Int, sni: String, ca: String) throws -> Handshake {
        let run = try python([Self.proxyDir + "/backend.py", "tls", String(port), sni, ca])
        return try JSONDecoder().decode(Handshake.self, from: Data(run.output.utf8))
    }

    /// one proxy port speaks HTTP and HTTPS: curl --cacert reaches the claimed backend over HTTP/1.1 and HTTP/2,
    /// streams and WebSockets pass, the CA is made on first use with a 0600 key, leaves name their host, foreign names
    /// are refused
    @Test("one proxy port speaks HTTP and HTTPS: HTTP/1.1, HTTP/2, streams, WebSockets, a 0600 CA key, foreign names refused")
    func httpsNames() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto"])
        let info = try daemon.start()
        let proxy = try #require(info.proxyPort)
        let ca = daemon.home + "/tls/ca.crt", key = daemon.home + "/tls/ca.key"
        // Nothing is made at start: the CA comes with the first TLS connection.
        #expect(!FileManager.default.fileExists(atPath: daemon.home + "/tls"))
        let port = try daemon.pd(["claim", "echo:api", "-q"]).output
        let server = try RunningCommand(
            "/usr/bin/env", ["python3", Self.proxyDir + "/backend.py", "serve", port], environment: ProcessInfo.processInfo.environment)
        defer {
            kill(server.pid, SIGKILL)
            _ = server.wait()
        }
        let url = "https://api.echo.localhost:\(proxy)"
        #expect(try eventually { try curl(["-k", url + "/headers"]).stdout.contains("x-forwarded-proto") })
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Verified against the CA, over HTTP/1.1 and HTTP/2.
        for (flag, version) in [("--http1.1", "1.1"), ("--http2", "2")] {
            let run = try curl(["--cacert", ca, flag, "-w", "\n%{http_version}", url + "/headers"])
            #expect(run.status == 0, "\(flag): \(run.stderr)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.last.map(String.init) == version)
            let headers = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: String]
            #expect(headers?["x-forwarded-proto"] == "https", "\(flag)")
            #expect(headers?["x-forwarded-host"] == "api.echo.localhost:\(proxy)", "\(flag)")
            #expect(headers?["x-forwarded-for"] == "127.0.0.1", "\(flag)")
            // Streaming: every chunk arrives, in order, over time.
            let stream = try curl(["--cacert", ca, flag, "-N", url + "/stream"]).stdout.split(separator: "\n")
            #expect(stream.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["part 0", "part 1", "part 2"], "\(flag)")
            let times = stream.compactMap { Double($0.split(separator: " ").last ?? "") }
            #expect(times.count == 3 && times[2] - times[0] >= 0.3, "\(flag)")
            // A foreign Host on a good TLS connection: 421, nothing said.
            let foreign = try curl(["--cacert", ca, flag, "-w", "\n%{http_code}", "-H", "Host: attacker.example", url + "/"])
            #expect(foreign.stdout.hasSuffix("421") && !foreign.stdout.contains("echo"), "\(flag): \(foreign.stdout)")
            // Unknown names of ours: the 404 page links the known names over https.
            let unknown = try curl(["--cacert", ca, flag, "-w", "\n%{http_code}", "https://nope.localhost:\(proxy)/"])
            #expect(unknown.stdout.hasSuffix("404") && unknown.stdout.contains("https://api.echo.localhost:\(proxy)/"), "\(flag)")
        }
        // WebSocket over TLS (HTTP/1.1).
        let ws = try python([Self.proxyDir + "/backend.py", "wss", String(proxy), "api.echo.localhost", ca])
        #expect(ws.stdout.contains("101") && ws.stdout.contains("echo: hello"), "\(ws.stdout) \(ws.stderr)")

        // The handshake: TLS 1.2+, h2 preferred, the leaf names exactly the host asked for.
        let hello = try handshake(port: proxy, sni: "api.echo.localhost", ca: ca)
        #expect(hello.error == nil, "\(hello.error ?? "")")
        #expect(hello.alpn == "h2")
        #expect(hello.san == ["api.echo.localhost"])
        #expect(hello.version == "TLSv1.3")
        // A name the proxy does not serve gets no certificate at all.
        let refused = try handshake(port: proxy, sni: "www.example.com", ca: ca)
        #expect(refused.error != nil)
        // The CA may sign only for localhost names, Port Daddy's DNS domains and loopback addresses.
        let constraints = try CommandResult.run(
            "/usr/bin/env", ["openssl", "x509", "-in", ca, "-noout", "-ext", "nameConstraints,basicConstraints"], environment: [:])
        #expect(constraints.stdout.contains("DNS:localhost") && constraints.stdout.contains("DNS:pd.test"), "\(constraints.stdout)")
        #expect(constraints.stdout.contains("CA:TRUE"))

        // Plain HTTP still works on the same port.
        let plain = try curl(["-w", "\n%{http_code}", "http://api.echo.localhost:\(proxy)/headers"])
        #expect(plain.stdout.hasSuffix("200") && plain.stdout.contains("\"x-forwarded-proto\": \"http\""), "\(plain.stdout)")
        // The CA the daemon made is the one `pd trust --ca-path` names.
        #expect(try daemon.pd(["trust", "--ca-path"]).output == ca)
    }

    @Test("HTTPS off (PORT_DADDY_PROXY_TLS=off): a TLS client is closed at once, no CA is made, plain HTTP still works")
    func httpsOff() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto", "PORT_DADDY_PROXY_TLS": "off"])
        let proxy = try #require(try daemon.start().proxyPort)
        let tls = try curl(["-k", "https://nope.localhost:\(proxy)/"])
        #expect(tls.status != 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.home + "/tls"))
        #expect(try curl(["-w", "%{http_code}", "-o", "/dev/null", "http://nope.localhost:\(proxy)/"]).stdout == "404")
    }
}
