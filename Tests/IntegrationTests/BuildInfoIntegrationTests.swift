import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

/// `pd version`, `GET /health` and `GET /status` name the build: version, git commit and binary.
@Suite("Build info: pd version, /health and /status")
struct BuildInfoIntegrationTests {
    /// Whether `commit` is a commit of this checkout (when the tests run from one), else "unknown".
    func isThisCheckoutsCommit(_ commit: String) throws -> Bool {
        let isGit = try CommandResult.run(
            "/usr/bin/env", ["git", "-C", TestDependencies.root, "rev-parse", "--git-dir"], environment: ProcessInfo.processInfo.environment)
        guard isGit.status == 0 else { return commit == "unknown" }
        guard commit.count == 40, commit.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return false }
        let known = try CommandResult.run(
            "/usr/bin/env", ["git", "-C", TestDependencies.root, "cat-file", "-e", commit + "^{commit}"],
            environment: ProcessInfo.processInfo.environment)
        return known.status == 0
    }

    func resolved(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }

    @Test("pd version shows version, commit and binary of pd and of the daemon")
    func version() throws {
        let daemon = try TestDaemon()
        let alone = try daemon.pd(["version", "--json"], environment: ["PORT_DADDY_NO_AUTOSTART": "1"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let before = try JSONDecoder().decode(VersionReport.self, from: Data(alone.stdout.utf8))
        #expect(before.daemon == nil)
        #expect(before.pd.version == PortDaddyVersion.current)
        #expect(try isThisCheckoutsCommit(before.pd.commit), "\(before.pd.commit)")
        #expect(resolved(before.pd.binary) == resolved(daemon.binary))

        let info = try daemon.start()
        let report = try JSONDecoder().decode(VersionReport.self, from: Data(try daemon.pd(["version", "--json"]).stdout.utf8))
        let running = try #require(report.daemon)
        #expect(running.pid == info.pid)
        #expect(running.commit == report.pd.commit, "pd and pd-daemon are built from the same commit")
        // pd daemon runs pd-daemon in its place (same PID): the daemon's binary is pd-daemon next to pd.
        #expect(resolved(running.binary) == resolved((daemon.binary as NSString).deletingLastPathComponent + "/pd-daemon"), "\(running.binary)")
        let text = try daemon.pd(["version"]).stdout
        #expect(text.hasPrefix("pd \(PortDaddyVersion.current)\n  commit  \(report.pd.commit)\n  binary  \(report.pd.binary)\n"), "\(text)")
        #expect(text.contains("daemon \(running.version), pid \(info.pid)\n  commit  \(running.commit)\n  binary  \(running.binary)\n"), "\(text)")
    }

    @Test("GET /health and GET /status carry version, commit and binary; /health keeps its v1 fields")
    func healthAndStatus() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        _ = try daemon.pd(["claim", "build:web", "-q"])
        let client = daemon.client()
        let raw = try client.send("GET", "/health", body: nil)
        #expect(raw.status == 200)
        let health = try #require(try JSONSerialization.jsonObject(with: Data(raw.body)) as? [String: Any])
        #expect(health["status"] as? String == "ok")
        #expect(health["active_ports"] as? Int == 1)
        #expect(health["uptime_seconds"] is Int)
        #expect(health["pid"] as? Int == info.pid)
        #expect(health["version"] as? String == PortDaddyVersion.current)
        let status = try client.status()
        #expect(health["commit"] as? String == status.commit && status.commit != nil)
        #expect(health["binary"] as? String == status.binary && status.binary != nil)
        #expect(try isThisCheckoutsCommit(status.commit ?? ""))
        #expect(resolved(status.binary ?? "") == resolved((daemon.binary as NSString).deletingLastPathComponent + "/pd-daemon"))
        // The typed client reads the same answer.
        let typed = try client.health()
        #expect(typed.commit == status.commit && typed.binary == status.binary && typed.activePorts == 1)
    }
}
