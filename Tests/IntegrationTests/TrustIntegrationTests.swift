import Foundation
import PortDaddyAPI
import PortDaddyTesting
import Testing

@Suite("pd trust against temporary stores, and Chromium trusting the CA")
struct TrustIntegrationTests {
    /// A temporary system root (with a Debian-style store) and HOME, so no real trust store is touched.
    final class Stores {
        let root: String
        let userHome: String
        init() throws {
            root = try Self.tempDir()
            userHome = try Self.tempDir()
            try FileManager.default.createDirectory(atPath: root + "/usr/local/share/ca-certificates", withIntermediateDirectories: true)
        }
        deinit {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: userHome)
        }
        var environment: [String: String] { ["PORT_DADDY_TRUST_ROOT": root, "HOME": userHome] }
        var systemFile: String { root + "/usr/local/share/ca-certificates/port-daddy.crt" }
        var nssdb: String { userHome + "/.pki/nssdb" }

        static func tempDir() throws -> String {
            var template = Array("/tmp/pdtrust-XXXXXX".utf8CString)
            guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
            return String(cString: dir)
        }
    }

    func certutilList(_ stores: Stores) throws -> String {
        try CommandResult.run("/usr/bin/env", ["certutil", "-L", "-d", "sql:" + stores.nssdb], environment: [:]).stdout
    }

    /// pd trust --dry-run changes nothing; pd trust installs the CA in the system store and Chromium's NSS db; --remove
    /// takes it out; a store it cannot write exits 10
    @Test("pd trust: --dry-run changes nothing; installs the CA (system store, NSS db); --remove; unwritable store exits 10")
    func trustAndRemove() throws {
        try TestDependencies.requireCommand("certutil")
        let daemon = try TestDaemon()
        let stores = try Stores()
        let env = stores.environment
        let ca = daemon.home + "/tls/ca.crt"

        let dry = try daemon.pd(["trust", "--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would create the CA in \(daemon.home)/tls"))
        #expect(dry.stdout.contains("would copy \(ca) to \(stores.systemFile)"))
        #expect(dry.stdout.contains("skip: update-ca-certificates (PORT_DADDY_TRUST_ROOT is set)"))
        #expect(dry.stdout.contains("-A -d sql:\(stores.nssdb) -t C,, -n 'Port Daddy local CA ("), "\(dry.stdout)")
        #expect(!FileManager.default.fileExists(atPath: daemon.home + "/tls"))
        #expect(!FileManager.default.fileExists(atPath: stores.systemFile))
        #expect(!FileManager.default.fileExists(atPath: stores.nssdb))

        let install = try daemon.pd(["trust"], environment: env)
        #expect(install.status == 0, "\(install.stdout) \(install.stderr)")
        #expect(install.stdout.contains("created the CA \(ca)"))
        #expect(install.stdout.contains("installed \(stores.systemFile)"))
        #expect(install.stdout.contains("ran: "))
        #expect(FileManager.default.contents(atPath: stores.systemFile) == FileManager.default.contents(atPath: ca))
        #expect(try certutilList(stores).contains("Port Daddy local CA"))
        let mode = try FileManager.default.attributesOfItem(atPath: daemon.home + "/tls/ca.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Again: idempotent.
        #expect(try daemon.pd(["trust"], environment: env).status == 0)

        let remove = try daemon.pd(["trust", "--remove"], environment: env)
        #expect(remove.status == 0, "\(remove.stdout) \(remove.stderr)")
        #expect(remove.stdout.contains("removed \(stores.systemFile)"))
        #expect(!FileManager.default.fileExists(atPath: stores.systemFile))
        #expect(!(try certutilList(stores).contains("Port Daddy local CA")))
        // The CA itself stays (the daemon keeps using it); trusting again is one command.
        #expect(FileManager.default.fileExists(atPath: ca))

        // A system store pd cannot write: that step fails with advice, the browser step still runs, exit 10.
        try FileManager.default.createDirectory(atPath: stores.systemFile, withIntermediateDirectories: true)
        let blocked = try daemon.pd(["trust"], environment: env)
        #expect(blocked.status == 10, "\(blocked.stdout) \(blocked.stderr)")
        #expect(blocked.stderr.contains("failed: cannot write \(stores.systemFile)") && blocked.stderr.contains("sudo cp \(ca)"))
        #expect(try certutilList(stores).contains("Port Daddy local CA"))
    }

    /// headless Chromium refuses the certificate until pd trust puts the CA in its NSS db; then https names load over
    /// h2 as secure contexts, also under the DNS domain, where plain http is not secure; the dashboard loads over https
    @Test("headless Chromium trusts https names once pd trust installed the CA: h2, secure contexts, the DNS domain, the dashboard")
    func browserTrustsCA() throws {
        try TestDependencies.requireCommand("chromium", "chromium-browser")
        try TestDependencies.requireCommand("certutil")
        let daemon = try TestDaemon(environment: ["PORT_DADDY_PROXY_PORT": "auto", "PORT_DADDY_DNS_PORT": "auto", "PORT_DADDY_DNS_DOMAIN": "pd.test"])
        let proxy = try #require(try daemon.start().proxyPort)
        let stores = try Stores()
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = stores.userHome
        let script = TestDependencies.root + "/Tests/proxy/https_browser.py"
        // Before pd trust, Chromium refuses the certificate.
        let untrusted = try CommandResult.run("/usr/bin/env", ["python3", script, "https://nope.localhost:\(proxy)/"], environment: env)
        #expect(untrusted.stdout.contains("\"protocol\": \"chrome-error:\""), "\(untrusted.stdout) \(untrusted.stderr)")
        #expect(try daemon.pd(["trust"], environment: stores.environment).status == 0)
        let port = try daemon.pd(["claim", "echo:api", "-q"]).output
        let server = try RunningCommand(
            "/usr/bin/env", ["python3", TestDependencies.root + "/Tests/proxy/backend.py", "serve", port],
            environment: ProcessInfo.processInfo.environment)
        defer {
            kill(server.pid, SIGKILL)
            _ = server.wait()
        }
        let urls = [
            "https://api.echo.localhost:\(proxy)/headers", "https://api.echo.pd.test:\(proxy)/headers", "http://api.echo.pd.test:\(proxy)/headers",
            "https://dashboard.localhost:\(proxy)/",
        ]
        let run = try CommandResult.run("/usr/bin/env", ["python3", script] + urls, environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        struct Seen: Decodable {
            var url: String
            var `protocol`: String?
            var secure: Bool?
            var text: String?
            var hop: String?
        }
        let seen = try JSONDecoder().decode([Seen].self, from: Data((run.output.split(separator: "\n").last ?? "").utf8))
        #expect(seen.count == 4)
        for page in seen.prefix(2) {
            #expect(page.protocol == "https:", "\(page)")
            #expect(page.secure == true, "\(page)")
            #expect(page.text?.contains("\"x-forwarded-proto\": \"https\"") == true, "\(page)")
            // Chromium negotiates HTTP/2 with the proxy.
            #expect(page.hop == "h2", "\(page)")
        }
        #expect(seen[2].protocol == "http:" && seen[2].secure == false, "\(seen[2])")
        // The dashboard over https too.
        #expect(seen[3].protocol == "https:" && seen[3].secure == true && seen[3].text?.contains("Ports") == true, "\(seen[3])")
    }
}
