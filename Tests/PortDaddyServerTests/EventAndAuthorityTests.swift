import Foundation
import HTTPTypes
import Testing

@testable import PortDaddyServer

/// What moved into Core and middleware, in-process: waiters woken by events, authority checked on route groups,
/// the claim's state from Core's one rule, and activity recorded by the services.
@Suite("events and authority in-process")
struct EventAndAuthorityTests {
    @Test("GET /wait is released by the ready signal's event: it answers ready once another request signals")
    func waitReleasedBySignal() async throws {
        let harness = try await RouterHarness()
        async let waited = harness.send(.get, "/wait?ids=evt:api&timeout=600")
        while harness.core.activity.events.followerCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let (signalled, text) = try await harness.send(.post, "/integration/ready", json: #"{"identity":"evt:api"}"#)
        #expect(signalled == .created, "\(text)")
        let (status, body) = try await waited
        #expect(status == .ok && body.contains("\"ready\":true"), "\(body)")
    }

    @Test("GET /activity/poll waits for the next record and answers with it (pushed by the flush, with its id)")
    func pollWakesOnRecord() async throws {
        let harness = try await RouterHarness()
        let newest = try harness.core.activity.newestID()
        async let polled = harness.send(.get, "/activity/poll?after=\(newest)&timeout=120")
        while harness.core.activity.events.followerCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        _ = try await harness.send(.post, "/claim", json: #"{"id":"evt:polled"}"#, headers: ["X-PD-Agent": "poller"])
        let (status, body) = try await polled
        #expect(status == .ok && body.contains("\"subject\":\"evt:polled\"") && body.contains("\"actor\":\"poller\""), "\(body)")
        #expect(body.contains("\"id\":\(newest + 1)"), "\(body)")
    }

    @Test(
        "the guarded route groups refuse a caller without the user's token, naming what was asked",
        arguments: [
            ("POST", "/stacks/up", #"{"root":"/nonexistent-pd-root"}"#, "starting a stack"),
            ("POST", "/stacks/env", #"{"root":"/nonexistent-pd-root"}"#, "reading a .portdaddyrc"),
            ("POST", "/stacks/some-key/down", "", "stopping a stack"),
            ("POST", "/stacks/some-key/restart", "", "restarting a service"),
            ("GET", "/stacks/some-key/logs", "", "reading a stack's output"),
            ("GET", "/stacks/some-key/events", "", "following a stack's output"),
            ("POST", "/dashboard/grant", "", "a dashboard code"),
        ])
    func guardedGroups(method: String, path: String, body: String, what: String) async throws {
        let harness = try await RouterHarness()
        let (status, text) = try await harness.send(HTTPRequest.Method(method)!, path, json: body.isEmpty ? nil : body)
        #expect(status.code == 401 && text.contains("UNTRUSTED_CALLER") && text.contains("\(what) needs the Unix socket"), "\(text)")
        let (allowed, answer) = try await harness.send(
            HTTPRequest.Method(method)!, path, json: body.isEmpty ? nil : body, headers: ["X-PD-Token": RouterHarness.userToken])
        #expect(allowed.code != 401, "\(answer)")
        let (wrong, _) = try await harness.send(
            HTTPRequest.Method(method)!, path, json: body.isEmpty ? nil : body, headers: ["X-PD-Token": String(repeating: "b", count: 64)])
        #expect(wrong.code == 401)
    }

    @Test("the unguarded stack routes stay open: GET /stacks answers without a token")
    func openStackRoutes() async throws {
        let harness = try await RouterHarness()
        let (status, text) = try await harness.send(.get, "/stacks")
        #expect(status == .ok && text.contains("\"stacks\""), "\(text)")
    }

    @Test("POST /claim answers the state by Core's rule (an owner that runs: assigned; none: dead) and the claim is recorded by Core")
    func claimStateAndRecord() async throws {
        let harness = try await RouterHarness()
        let (_, mine) = try await harness.send(.post, "/claim", json: #"{"id":"state:mine","pid":\#(getpid())}"#)
        #expect(mine.contains("\"state\":\"assigned\""), "\(mine)")
        let (_, ownerless) = try await harness.send(.post, "/claim", json: #"{"id":"state:none","pid":4194303}"#)
        #expect(ownerless.contains("\"state\":\"dead\""), "\(ownerless)")
        let (_, released) = try await harness.send(.delete, "/release", json: #"{"id":"state:none"}"#, headers: ["X-PD-Agent": "releaser"])
        #expect(released.contains("state:none"), "\(released)")
        let (_, log) = try await harness.send(.get, "/activity?type=claim")
        #expect(log.contains("\"type\":\"claim.release\"") && log.contains("\"actor\":\"releaser\""), "\(log)")
    }
}
