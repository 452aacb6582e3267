import Foundation
import HTTPTypes
import Testing

/// Routes and their errors, in-process through the real router (middleware included).
@Suite("routes in-process")
struct RouteTests {
    @Test("a new claim answers 201 with its port; claiming the same identity again gets the same port (existing)")
    func claim() async throws {
        let harness = try await RouterHarness()
        func fields(_ text: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        }
        let (status, body) = try await harness.send(.post, "/claim", json: #"{"id":"inproc:api"}"#)
        #expect(status == .created, "\(body)")
        let (_, again) = try await harness.send(.post, "/claim", json: #"{"id":"inproc:api"}"#)
        let first = try fields(body), second = try fields(again)
        #expect(first["port"] as? Int != nil && first["port"] as? Int == second["port"] as? Int, "\(body) / \(again)")
        #expect(second["existing"] as? Bool == true)
    }

    @Test(
        "bad input, unknown routes and foreign hosts get JSON errors with stable codes",
        arguments: [
            ("POST", "/claim", #"{"id":"Bad Name"}"#, [String: String](), 400, "INVALID_IDENTITY"),
            ("POST", "/claim", "{not json", [String: String](), 400, "INVALID_REQUEST"),
            ("GET", "/no/such/route", "", [String: String](), 404, "NOT_FOUND"),
            ("GET", "/health", "", ["Origin": "http://evil.example"], 403, "FORBIDDEN_ORIGIN"),
            ("GET", "/channels/x/subscribe", "", ["Last-Event-ID": "-1"], 400, "INVALID_REQUEST"),
        ])
    func errors(method: String, path: String, body: String, headers: [String: String], status: Int, code: String) async throws {
        let harness = try await RouterHarness()
        let (answer, text) = try await harness.send(HTTPRequest.Method(method)!, path, json: body.isEmpty ? nil : body, headers: headers)
        #expect(answer.code == status, "\(text)")
        #expect(text.contains("\"code\":\"\(code)\""), "\(text)")
    }

    @Test("the agent comes from X-PD-Agent through the request context: a note without it is INVALID_AGENT, with it the first note starts a session")
    func agentFromContext() async throws {
        let harness = try await RouterHarness()
        let (missing, text) = try await harness.send(.post, "/sessions/current/notes", json: #"{"text":"hello"}"#)
        #expect(missing.code == 400 && text.contains("INVALID_AGENT"), "\(text)")
        let (noted, body) = try await harness.send(.post, "/sessions/current/notes", json: #"{"text":"hello"}"#, headers: ["X-PD-Agent": "agent-ctx"])
        #expect(noted == .created && body.contains("\"startedSession\":true"), "\(body)")
        let (_, who) = try await harness.send(.get, "/whoami", headers: ["X-PD-Agent": "agent-ctx"])
        #expect(who.contains("agent-ctx") && who.contains("quick notes"), "\(who)")
    }
}
