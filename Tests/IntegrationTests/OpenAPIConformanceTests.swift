import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// `docs/openapi.json` against outside tools and the running daemon: `openapi-spec-validator` accepts it, the daemon
/// serves it at `GET /openapi.json`, and `schemathesis` fuzzing the safe subset of routes over TCP (with the user's
/// token) finds no 5xx and no error body other than `{error, code}`.
@Suite("OpenAPI conformance", .serialized)
struct OpenAPIConformanceTests {
    static let documentPath = TestDependencies.root + "/docs/openapi.json"

    /// Writes (`POST`/`DELETE`) that the fuzzer may send: claims, locks, channel messages and tuples. Everything else
    /// that changes state is left out: it spawns, stops, panics, runs commands, writes files, spends or deletes
    /// wholesale.
    static let safeWrites: Set<String> = [
        "POST /claim", "DELETE /release", "POST /locks/:name", "DELETE /locks/:name", "POST /locks/:name/extend",
        "POST /channels/:name", "POST /tuples", "DELETE /tuples/:id",
    ]

    /// Reads left out, with the reason.
    static let unsafeReads: [String: String] = [
        "GET /fleet/config/:project": "reads a file named by the request"
    ]

    /// The operations schemathesis runs: every read that answers at once (no event stream, no long poll) and
    /// ``safeWrites``.
    static func safe(_ route: AnyAPIRoute) -> Bool {
        if safeWrites.contains(route.description) { return true }
        return route.method == .get && route.response != "EventStream" && !route.query.contains("timeout")
            && unsafeReads[route.description] == nil
    }

    @Test("openapi-spec-validator accepts docs/openapi.json as OpenAPI 3.1")
    func validates() throws {
        let result = try CommandResult.run(
            TestDependencies.venv + "/bin/openapi-spec-validator", [Self.documentPath], environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("OK"), "\(result.stdout)")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.documentPath))) as? [String: Any]
        #expect(document?["openapi"] as? String == "3.1.0")
    }

    @Test("the daemon serves docs/openapi.json at GET /openapi.json over TCP without a token, as application/json")
    func served() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { _ = daemon.stop() }
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: daemon.tcpPort))
        let response = try tcp.send(method: "GET", path: "/openapi.json")
        #expect(response.status == 200)
        #expect(response.body == Array(try Data(contentsOf: URL(fileURLWithPath: Self.documentPath))))
        let type = try CommandResult.run(
            "/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{content_type}", "http://127.0.0.1:\(daemon.tcpPort)/openapi.json"],
            environment: [:])
        #expect(type.stdout.hasPrefix("application/json"), "\(type.stdout)")
        let foreign = try tcp.send(method: "GET", path: "/openapi.json", headers: [("Origin", "http://evil.example")])
        #expect(foreign.status == 403)
    }

    @Test("schemathesis on the safe subset: no 5xx, every error is {error, code}, the daemon still answers")
    func fuzz() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        defer { _ = daemon.stop() }
        let token = try String(contentsOfFile: daemon.home + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        // The document cut down to the safe operations (the same schemas).
        var document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.documentPath))) as? [String: Any])
        var paths: [String: Any] = [:]
        var operations = 0
        for route in Routes.all where Self.safe(route) {
            let path = OpenAPIDocument.openAPIPath(route.template)
            let method = route.method.rawValue.lowercased()
            let all = try #require(document["paths"] as? [String: Any])
            let item = try #require(all[path] as? [String: Any])
            var kept = paths[path] as? [String: Any] ?? [:]
            kept[method] = try #require(item[method] as? [String: Any])
            paths[path] = kept
            operations += 1
        }
        #expect(operations >= 60, "the safe subset shrank to \(operations)")
        document["paths"] = paths
        let work = daemon.home + "/schemathesis"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let subset = work + "/openapi-safe.json"
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]).write(to: URL(fileURLWithPath: subset))

        var environment = ProcessInfo.processInfo.environment
        environment["SCHEMATHESIS_HOOKS"] = nil
        let result = try CommandResult.run(
            TestDependencies.venv + "/bin/schemathesis",
            [
                "run", subset, "--url", "http://127.0.0.1:\(daemon.tcpPort)", "-H", "X-PD-Token: \(token)",
                "--checks", "not_a_server_error,response_schema_conformance", "--phases", "examples,coverage,fuzzing",
                "--max-examples", "5", "--seed", "17", "--workers", "2", "--request-timeout", "20", "--no-shrink",
                "--report", "junit", "--report-junit-path", work + "/junit.xml",
            ], environment: environment, directory: work)
        #expect(result.status == 0, "schemathesis found failures:\n\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("passed") && !result.stdout.contains("failed"), "\(result.stdout.suffix(3000))")
        let junit = try String(contentsOfFile: work + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("testcase"), "\(junit.prefix(500))")
        // Still alive and well after the fuzzing.
        let health = try HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: daemon.tcpPort)).send(method: "GET", path: "/health")
        #expect(health.status == 200)
    }
}
