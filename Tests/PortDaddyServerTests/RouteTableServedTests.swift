import Foundation
import HTTPTypes
import PortDaddyAPI
import Testing

/// The route table and the router agree: every declared route is served, and the validating wire types give
/// the same `{error, code}` answers the daemon always gave.
@Suite("route table served in-process")
struct RouteTableServedTests {
    @Test("every route in Routes.all reaches a handler (no router 404)")
    func everyRouteIsServed() async throws {
        let harness = try await RouterHarness()
        for route in Routes.all {
            let values = route.parameters.map { _ in "x" }
            // Long polls answer at once with a zero timeout.
            var query: [(String, String?)] = []
            if route.query.contains("ids") { query.append(("ids", "x")) }
            if route.query.contains("timeout") { query.append(("timeout", "0")) }
            let path = RoutePath.build(route.template, values, query: query)
            // Event streams are refused before they start (a bad cursor, a cross-site fetch), so the test can
            // read a whole answer; a refusal still proves the route is there.
            let headers = route.response == "EventStream" ? ["Last-Event-ID": "-1", "Sec-Fetch-Site": "cross-site"] : [:]
            let body = route.method == .get ? nil : "{}"
            let (status, text) = try await harness.send(HTTPRequest.Method(route.method.rawValue)!, path, json: body, headers: headers)
            #expect(!text.contains("no route"), "\(route): \(status) \(text)")
            #expect(status.code != 405, "\(route): \(status) \(text)")
        }
    }

    @Test(
        "bad values are refused while decoding with the codes and messages of before",
        arguments: [
            (
                "/claim", #"{"id":"ok","port":70000}"#, [String: String](), "INVALID_PORT",
                "port 70000 is out of range; use a port between 1 and 65535"
            ),
            ("/claim", #"{"id":"ok","pid":-1}"#, [:], "INVALID_PID", "pid -1 is not a valid process id; use a positive number up to 4194304"),
            ("/claim", #"{"id":"ok","expires":"soon"}"#, [:], "INVALID_DURATION", "expires: invalid duration \\\"soon\\\""),
            ("/claim", #"{"id":"a:b:c:d"}"#, [:], "INVALID_IDENTITY", "has more than 3 segments"),
            ("/claim", #"{"id":"ok"}"#, ["X-PID": "abc"], "INVALID_REQUEST", "X-PID header \\\"abc\\\" is not a number"),
            ("/locks/x", #"{"owner":"a","ttl":"soon"}"#, [:], "INVALID_REQUEST", "field \\\"ttl\\\": invalid duration"),
            ("/locks/x", #"{"pid":0}"#, [:], "INVALID_PID", "pid 0 is not a valid process id"),
            ("/ports/request", #"{"project":"p","preferred":0}"#, [:], "INVALID_PORT", "port 0 is out of range"),
        ])
    func refusals(path: String, body: String, headers: [String: String], code: String, message: String) async throws {
        let harness = try await RouterHarness()
        let (status, text) = try await harness.send(.post, path, json: body, headers: headers)
        #expect(status.code == 400, "\(text)")
        #expect(text.contains("\"code\":\"\(code)\""), "\(text)")
        #expect(text.contains(message), "\(text)")
    }
}
