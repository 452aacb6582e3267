import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

@Suite("Cluster mode: ports stay per host and are published", .serialized)
struct ClusterPortTests {
    @Test("pd find --cluster shows which identity holds which port on which node; pd url --node points at it")
    func publishedPorts() throws {
        let cluster = try ClusterFixture()
        let a = try cluster.start("a"), b = try cluster.start("b")
        let web = try a.pd(["claim", "web:api", "-q"]), db = try b.pd(["claim", "db:main", "-q"])
        #expect(web.status == 0 && db.status == 0)
        // Each node claims from its own range: the same identity may hold the same port on two hosts.
        let again = try b.pd(["claim", "web:api", "-q"])
        #expect(again.status == 0)
        var listed: [ClusterPortInfo] = []
        #expect(
            try eventually(timeout: 30) {
                listed = try b.client().clusterPorts().ports
                return listed.count == 3
            })
        #expect(listed.contains { $0.node == "a" && $0.identity == "web:api" && String($0.port) == web.output && $0.host == "a" })
        #expect(listed.contains { $0.node == "b" && $0.identity == "db:main" && String($0.port) == db.output })
        #expect(listed.contains { $0.node == "b" && $0.identity == "web:api" && String($0.port) == again.output })
        let table = try b.pd(["find", "--cluster", "web:*"])
        #expect(table.status == 0 && table.stdout.contains("web:api") && !table.stdout.contains("db:main"), "\(table.stdout)")
        let status = try b.pd(["status"])
        #expect(status.stdout.contains("cluster   node b at \(cluster.postgres.url), 2 of 2 node(s) alive"), "\(status.stdout)")
        let url = try b.pd(["url", "web:api", "--node", "a"])
        #expect(url.output == "http://a:\(web.output)/", "\(url.stdout) \(url.stderr)")
        let missing = try b.pd(["url", "db:main", "--node", "a"])
        #expect(missing.status == 5 && missing.stderr.contains("publishes no claim"), "\(missing.stderr)")
        // A release is published too.
        #expect(try a.pd(["release", "web:api"]).status == 0)
        #expect(try eventually(timeout: 30) { try b.client().clusterPorts(pattern: "web:*").ports.map(\.node) == ["b"] })
    }
}
