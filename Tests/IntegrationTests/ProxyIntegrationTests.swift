import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("Reverse proxy with real clients")
struct ProxyIntegrationTests {
    static let backend = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/proxy/backend.py"

    func curl(_ args: [String]) throws -> CommandResult {
        try CommandResult.run("/usr/bin/env", ["curl", "-s", "--max-time", "10"] + args, environment: [:])
    }

    @Test("routes by Host to the claimed port: HTTP with X-Forwarded headers, streaming, WebSocket; helpful 404 and 502 pages")
    func proxy() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto"])
        let info = try daemon.start()
        let proxy = try #require(info.proxyPort)
        let port = try daemon.pd(["claim", "echo:api", "-q"]).output
        let server = try RunningCommand("/usr/bin/env", ["python3", Self.backend, "serve", port], environment: ProcessInfo.processInfo.environment)
        defer {
            kill(server.pid, SIGKILL)
            _ = server.wait()
        }
        #expect(try eventually { try curl(["http://api.echo.localhost:\(proxy)/headers"]).stdout.contains("x-forwarded-host") })
        let headers =
            try JSONSerialization.jsonObject(with: Data(try curl(["http://api.echo.localhost:\(proxy)/headers"]).stdout.utf8)) as? [String: String]
        #expect(headers?["x-forwarded-host"] == "api.echo.localhost:\(proxy)")
        #expect(headers?["x-forwarded-proto"] == "http")
        #expect(headers?["x-forwarded-for"] == "127.0.0.1")
        // The backend is asked to close after its answer: a connection is routed by its first request only.
        #expect(headers?["connection"] == "close")
        // Streaming: every chunk arrives, in order, over time.
        let stream = try curl(["-N", "-H", "Host: api.echo.localhost", "http://127.0.0.1:\(proxy)/stream"]).stdout.split(separator: "\n")
        #expect(stream.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["part 0", "part 1", "part 2"])
        let times = stream.compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(times.count == 3 && times[2] - times[0] >= 0.3)
        // WebSocket upgrade passes through.
        let ws = try CommandResult.run(
            "/usr/bin/env", ["python3", Self.backend, "ws", String(proxy), "api.echo.localhost"], environment: ProcessInfo.processInfo.environment)
        #expect(ws.stdout.contains("101"))
        #expect(ws.stdout.contains("echo: hello"))
        // Unknown names get a page listing the known ones; a claimed but silent service gets a 502 naming its state.
        let unknown = try curl(["-w", "\n%{http_code}", "http://nope.localhost:\(proxy)/"])
        #expect(unknown.stdout.hasSuffix("404"))
        #expect(unknown.stdout.contains("api.echo.localhost"))
        _ = try daemon.pd(["claim", "quiet:web", "-q"])
        let down = try curl(["-w", "\n%{http_code}", "http://web.quiet.localhost:\(proxy)/"])
        #expect(down.stdout.hasSuffix("502"))
        #expect(down.stdout.contains("quiet:web"))
        // A foreign name (DNS rebinding to the proxy) learns nothing: 421, no list of names.
        let foreign = try curl(["-w", "\n%{http_code}", "-H", "Host: attacker.example", "http://127.0.0.1:\(proxy)/"])
        #expect(foreign.stdout.hasSuffix("421") && !foreign.stdout.contains("echo"), "\(foreign.stdout)")
        // …but it says how to use the proxy: by name.
        #expect(foreign.stdout.contains("api.myapp.localhost:\(proxy)") && foreign.stdout.contains("pd url"), "\(foreign.stdout)")
        // A second request on a kept-alive connection cannot reach another name through the first one's backend:
        // the proxy closes the connection after each non-upgrade exchange.
        let smuggle = try CommandResult.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import socket, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
                s.sendall(b"GET /headers HTTP/1.1\\r\\nHost: api.echo.localhost\\r\\n\\r\\n"
                          b"GET /dashboard/state HTTP/1.1\\r\\nHost: dashboard.localhost\\r\\n\\r\\n")
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk: break
                    data += chunk
                print(data.count(b"HTTP/1."), "dashboard.localhost" in data.decode(errors="replace"))
                """, String(proxy),
            ], environment: ProcessInfo.processInfo.environment)
        #expect(smuggle.output == "1 False", "\(smuggle.stdout) \(smuggle.stderr)")
        #expect(try daemon.pd(["url", "echo:api"]).output == "http://api.echo.localhost:\(proxy)/")
        #expect(try daemon.client().health().status == "ok")
    }
}
