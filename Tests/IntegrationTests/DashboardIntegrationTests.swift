import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

@Suite("Dashboard in a real browser")
struct DashboardIntegrationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    struct Report: Decodable {
        var loaded: Bool
        var claim_appeared: Bool
        var message_appeared: Bool
        var agent_appeared: Bool
        var navigations: Int
        var live_text: String
        var screenshots: [String]
        var views_not_built: [String]
    }

    @Test("headless Chromium shows claims, messages and agents as they happen, without a reload; a screenshot per view")
    func liveInBrowser() throws {
        if (try? CommandResult.run("/usr/bin/env", ["sh", "-c", "command -v chromium || command -v chromium-browser"], environment: ProcessInfo.processInfo.environment))?.status != 0 {
            let install = try CommandResult.run("/bin/bash", [Self.root + "/scripts/install-test-deps.sh"], environment: ProcessInfo.processInfo.environment)
            #expect(install.status == 0, "scripts/install-test-deps.sh failed: \(install.stderr)")
        }
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let shots = Self.root + "/.build/screenshots"
        let run = try CommandResult.run(
            "/usr/bin/env", ["python3", Self.root + "/Tests/dashboard/dashboard_e2e.py", daemon.binary, "http://127.0.0.1:\(info.tcpPort)/", shots],
            environment: daemon.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data((run.output.split(separator: "\n").last ?? "").utf8))
        #expect(report.loaded)
        #expect(report.claim_appeared)
        #expect(report.message_appeared)
        #expect(report.agent_appeared)
        #expect(report.navigations == 1)  // one page load: everything after it arrived live
        #expect(report.screenshots.count == 8)
        // Views for what is not built say so plainly; every other view shows data.
        #expect(report.views_not_built == ["stacks", "graph"])
        for path in report.screenshots { #expect(FileManager.default.fileExists(atPath: path)) }
    }

    @Test("dashboard actions need the page's token and the daemon's own origin")
    func actionsAreGuarded() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        _ = try daemon.pd(["claim", "guarded:web", "-q"])
        let client = daemon.client()
        let page = String(decoding: try client.send("GET", "/", body: nil).body, as: UTF8.self)
        let token = try #require(page.range(of: #"name="pd-token" content=""#).map { String(page[$0.upperBound...].prefix(32)) })
        let body = Array(#"{"id":"guarded:web"}"#.utf8)
        #expect(try client.send("POST", "/dashboard/release", body: body).status == 400)
        #expect(try client.send("POST", "/dashboard/release", body: body, headers: [("X-PD-Page-Token", "forged")]).status == 400)
        let foreign = try client.send("POST", "/dashboard/release", body: body, headers: [("X-PD-Page-Token", token), ("Origin", "http://evil.example")])
        #expect(foreign.status == 403)
        #expect(try daemon.pd(["find", "guarded:web"]).status == 0)
        let own = try client.send("POST", "/dashboard/release", body: body, headers: [("X-PD-Page-Token", token), ("Origin", "http://127.0.0.1:\(info.tcpPort)")])
        #expect(own.status == 200)
        #expect(try daemon.pd(["find", "guarded:web"]).status == 5)
    }
}
