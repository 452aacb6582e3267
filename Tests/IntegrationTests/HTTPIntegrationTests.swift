import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

@Suite("HTTP API against a real daemon")
struct HTTPIntegrationTests {
    /// Runs one of the v1 README's curl lines verbatim, pointed at the test daemon's port.
    func curl(_ line: String, port: Int) throws -> [String: Any] {
        let command = line.replacingOccurrences(of: "localhost:9876", with: "localhost:\(port)")
        let result = try CommandResult.run(
            "/bin/sh", ["-c", "curl -sS " + command.dropFirst("curl ".count)], environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test("the v1 README's curl examples work verbatim")
    func v1CurlExamples() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let port = daemon.tcpPort
        let request = try curl(
            #"curl -X POST http://localhost:9876/ports/request -H 'Content-Type: application/json' -H 'X-PID: $$' "#
                + #"-d '{"project": "my-app", "preferred": 3221}'"#,
            port: port)
        let assigned = request["port"] as? Int
        #expect(assigned != nil)
        #expect(request["existing"] as? Bool == false)
        #expect(request["message"] is String)
        if assigned == 3221 { #expect(request["message"] as? String == "assigned preferred port") }
        let again = try curl(
            #"curl -X POST http://localhost:9876/ports/request -H 'Content-Type: application/json' -d '{"project": "my-app"}'"#, port: port)
        #expect(again["port"] as? Int == assigned)
        #expect(again["existing"] as? Bool == true)
        let active = try curl("curl http://localhost:9876/ports/active", port: port)
        #expect(active["count"] as? Int == 1)
        let row = (active["ports"] as? [[String: Any]])?.first ?? [:]
        for key in ["port", "project", "started", "last_seen", "alive", "age_minutes", "started_at", "last_seen_at"] {
            #expect(row[key] != nil, "missing \(key)")
        }
        #expect(row["project"] as? String == "my-app")
        let health = try curl("curl http://localhost:9876/health", port: port)
        #expect(health["status"] as? String == "ok")
        #expect(health["active_ports"] as? Int == 1)
        #expect(health["uptime_seconds"] is Int)
        #expect(health["pid"] as? Int == daemon.runtimeInfo?.pid)
        let release = try curl(
            #"curl -X DELETE http://localhost:9876/ports/release -H 'Content-Type: application/json' -d '{"project": "my-app"}'"#, port: port)
        #expect(release["success"] as? Bool == true)
        #expect(release["message"] as? String == "released 1 port(s) for project my-app")
        let cleanup = try curl("curl -X POST http://localhost:9876/ports/cleanup", port: port)
        #expect(cleanup["count"] as? Int == 0)
        #expect(cleanup["freed"] is [Any])
    }

    @Test("the v1 commands print the v1 formats, also through links named after them")
    func v1Commands() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let port = try daemon.pd(["get-port", "windags-ai"]).output
        #expect(Int(port) != nil)
        let link = daemon.home + "/get-port"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: daemon.binary)
        let viaLink = try CommandResult.run(link, ["windags-ai"], environment: daemon.environment)
        #expect(viaLink.output == port)
        let npmName = try daemon.pd(["get-port", "@Org/App"])
        #expect(npmName.status == 0)
        let list = try daemon.pd(["list-ports"])
        #expect(list.stdout.hasPrefix("PORT DADDY - Active Port Assignments\n" + String(repeating: "=", count: 60)))
        #expect(list.stdout.contains("\(port) | windags-ai | PID:"))
        #expect(list.stdout.contains("Total: 2 port(s)"))
        let released = try daemon.pd(["release-port", port])
        #expect(released.output == "released 1 port(s) on port \(port)")
        #expect(try daemon.pd(["release-port", "org-app"]).output == "released 1 port(s) for project org-app")
    }

    /// Sends raw bytes over TCP and returns status and decoded error body.
    func raw(_ port: Int, _ method: String, _ path: String, body: [UInt8]?, headers: [(String, String)] = []) throws -> (Int, ErrorBody?) {
        let connection = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: port))
        let response = try connection.send(method: method, path: path, body: body, headers: headers)
        return (response.status, try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)))
    }

    @Test("bad input gets a JSON error with the right status, and the daemon keeps serving")
    func badInput() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let port = daemon.tcpPort
        let cases: [(String, String, [UInt8]?, [(String, String)], Int, String)] = [
            ("POST", "/claim", Array("{not json".utf8), [], 400, ErrorCode.invalidRequest.rawValue),
            ("POST", "/claim", Array("{}".utf8), [], 400, ErrorCode.invalidRequest.rawValue),
            ("POST", "/claim", nil, [], 400, ErrorCode.invalidRequest.rawValue),
            ("POST", "/claim", Array(#"{"id": "Bad Name!"}"#.utf8), [], 400, ErrorCode.invalidIdentity.rawValue),
            ("POST", "/claim", Array(#"{"id": "a:b:c:d"}"#.utf8), [], 400, ErrorCode.invalidIdentity.rawValue),
            ("POST", "/claim", Array(#"{"id": "ok", "port": 70000}"#.utf8), [], 400, ErrorCode.invalidPort.rawValue),
            ("POST", "/claim", Array(#"{"id": "ok", "port": 0}"#.utf8), [], 400, ErrorCode.invalidPort.rawValue),
            ("POST", "/claim", Array(#"{"id": "ok", "pid": 5000000}"#.utf8), [], 400, ErrorCode.invalidPID.rawValue),
            ("POST", "/claim", Array(#"{"id": "ok", "pid": -1}"#.utf8), [], 400, ErrorCode.invalidPID.rawValue),
            ("POST", "/claim", Array(#"{"id": "ok", "expires": "soon"}"#.utf8), [], 400, ErrorCode.invalidDuration.rawValue),
            ("POST", "/claim", Array(#"{"id": "8080"}"#.utf8), [], 400, ErrorCode.invalidIdentity.rawValue),
            ("POST", "/claim", Array(#"{"id": "ok"}"#.utf8), [("X-PID", "abc")], 400, ErrorCode.invalidRequest.rawValue),
            ("POST", "/claim", Array(repeating: UInt8(ascii: " "), count: 2 * 1024 * 1024), [], 413, ErrorCode.bodyTooLarge.rawValue),
            ("DELETE", "/release", Array(#"{"id": "bad id"}"#.utf8), [], 400, ErrorCode.invalidIdentity.rawValue),
            ("GET", "/services/NOT%20OK", nil, [], 400, ErrorCode.invalidIdentity.rawValue),
            ("GET", "/services/absent", nil, [], 404, ErrorCode.notFound.rawValue),
            ("GET", "/no/such/route", nil, [], 404, ErrorCode.notFound.rawValue),
            ("GET", "/health", nil, [("Origin", "http://evil.example")], 403, ErrorCode.forbiddenOrigin.rawValue),
            ("POST", "/claim", Array(#"{"id": "x"}"#.utf8), [("Origin", "null")], 403, ErrorCode.forbiddenOrigin.rawValue),
        ]
        for (method, path, body, headers, status, code) in cases {
            let (got, error) = try raw(port, method, path, body: body, headers: headers)
            #expect(got == status, "\(method) \(path)")
            #expect(error?.code == code, "\(method) \(path)")
            #expect(!(error?.error.isEmpty ?? true))
        }
        // A foreign Host (DNS rebinding) is refused.
        let rebinding = try CommandResult.run(
            "/usr/bin/env", ["curl", "-s", "-H", "Host: attacker.example", "http://127.0.0.1:\(port)/health"], environment: [:])
        #expect(rebinding.stdout.contains(ErrorCode.forbiddenHost.rawValue))
        // Host is parsed strictly: loopback names with anything after them are foreign too.
        for host in ["[::1].attacker.example", "[::1]evil", "localhost:80@evil", "localhost:", "localhost:1:2", "127.0.0.1.nip.io"] {
            let odd = try CommandResult.run(
                "/usr/bin/env", ["curl", "-s", "-H", "Host: \(host)", "http://127.0.0.1:\(port)/health"], environment: [:])
            #expect(odd.stdout.contains(ErrorCode.forbiddenHost.rawValue), "\(host): \(odd.stdout)")
        }
        for host in ["localhost", "LOCALHOST.:\(port)", "[::1]:\(port)", "127.0.0.1:\(port)"] {
            let fine = try CommandResult.run(
                "/usr/bin/env", ["curl", "-s", "-H", "Host: \(host)", "http://127.0.0.1:\(port)/health"], environment: [:])
            #expect(!fine.stdout.contains(ErrorCode.forbiddenHost.rawValue), "\(host): \(fine.stdout)")
        }
        // PIDs above 99,999 are valid on Linux.
        let big = try daemon.client().claim(ClaimRequest(id: try Identity(parsing: "bigpid"), pid: try PID(validating: 4_000_000)))
        #expect(big.pid == 4_000_000)
        // Still serving, nothing lost.
        #expect(try daemon.client().health().status == "ok")
        #expect(try daemon.client().services().services.map(\.id) == ["bigpid"])
    }

    @Test("a claim over the socket and over TCP see the same registry")
    func socketAndTCP() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let viaSocket = try daemon.client().claim(ClaimRequest(id: try Identity(parsing: "both:web")))
        let tcp = PortDaddyClient(endpoint: .tcp(host: "127.0.0.1", port: daemon.tcpPort))
        let viaTCP = try tcp.claim(ClaimRequest(id: try Identity(parsing: "both:web")))
        #expect(viaSocket.port == viaTCP.port)
        #expect(viaTCP.existing)
        let byURL = try daemon.pd(["claim", "both:web", "-q"], environment: ["PORT_DADDY_URL": "http://localhost:\(daemon.tcpPort)"])
        #expect(byURL.output == String(viaSocket.port))
    }
}
