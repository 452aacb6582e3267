import PortDaddyAPI
import Testing

/// The route table: every route once, and paths built from it with their parameters escaped.
@Suite("route table")
struct RouteTableTests {
    @Test("every route is declared once (method and template), with Hummingbird-style parameters")
    func unique() {
        let keys = Routes.all.map(\.description)
        #expect(Set(keys).count == keys.count, "\(keys.sorted())")
        #expect(Routes.all.count >= 70)
        for route in Routes.all {
            #expect(route.template.hasPrefix("/"), "\(route)")
            #expect(!route.template.contains("{") && !route.template.contains("?"), "\(route)")
            #expect(!route.summary.isEmpty && !route.request.isEmpty && !route.response.isEmpty, "\(route)")
        }
        #expect(Routes.claim.erased.request == "ClaimRequest" && Routes.claim.erased.response == "ClaimResponse")
        #expect(Routes.channelSubscribe.erased.response == "EventStream")
    }

    @Test("parameters are filled in order and percent-escaped; identities and patterns keep ':' and '*'")
    func paths() {
        #expect(Routes.claimSalvage.path("term-1/x y") == "/salvage/term-1%2Fx%20y/claim")
        #expect(Routes.publish.path("myapp:*") == "/channels/myapp:*")
        #expect(Routes.service.path("é") == "/services/%C3%A9")
        #expect(Routes.extendLock.parameters == ["name"])
        #expect(Routes.health.path() == "/health")
    }

    @Test("query values are escaped and items without a value are left out")
    func query() {
        #expect(Routes.wait.path(query: [("ids", "a:b,c"), ("timeout", "5.0")]) == "/wait?ids=a%3Ab%2Cc&timeout=5.0")
        #expect(Routes.sessions.path(query: [("all", nil)]) == "/sessions")
        #expect(Routes.fileOwner.path(query: [("path", "/src/a b.swift")]) == "/files/owner?path=%2Fsrc%2Fa%20b.swift")
        #expect(Routes.stackLogs.path("k", query: [("lines", "10"), ("service", nil)]) == "/stacks/k/logs?lines=10")
    }
}
