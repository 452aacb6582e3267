import Foundation
import PortDaddyTLS
import Testing
import X509

@Suite("The local CA")
struct LocalCATests {
    func tempHome() throws -> String {
        var template = Array("/tmp/pdca-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: dir)
    }

    @Test("is made on first need with a 0600 key, then loaded as it is")
    func madeOnceThenLoaded() throws {
        let home = try tempHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let files = CAFiles(home: home)
        #expect(try LocalCA.load(files: files) == nil)
        let made = try LocalCA.loadOrCreate(files: files, domains: ["dev.internal"])
        #expect(try FileManager.default.attributesOfItem(atPath: files.privateKey)[.posixPermissions] as? Int == 0o600)
        let loaded = try #require(try LocalCA.load(files: files))
        #expect(loaded.certificate == made.certificate)
        #expect(made.permittedDomains == ["localhost", "pd.test", "pd.local", "dev.internal"])
        #expect(try made.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(made.certificate.notValidAfter.timeIntervalSinceNow > 9 * 365 * 86400)
    }

    @Test("two makers at once end with one CA")
    func concurrentMakers() async throws {
        let home = try tempHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let files = CAFiles(home: home)
        let serials = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try LocalCA.loadOrCreate(files: files).certificate.serialNumber.description } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(serials.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home) == ["tls"])
    }

    @Test("leaves name their host, are short-lived and signed by the CA; names outside its constraints are refused")
    func leaves() throws {
        let home = try tempHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ca = try LocalCA.loadOrCreate(files: CAFiles(home: home))
        let leaf = try ca.issue(for: "API.MyApp.localhost.")
        #expect(leaf.host == "api.myapp.localhost")
        #expect(try leaf.certificate.extensions.subjectAlternativeNames.map(Array.init) == [GeneralName.dnsName("api.myapp.localhost")])
        #expect(leaf.certificate.issuer == ca.certificate.subject)
        #expect(ca.certificate.publicKey.isValidSignature(leaf.certificate.signature, for: leaf.certificate))
        let lifetime = leaf.certificate.notValidAfter.timeIntervalSince(leaf.certificate.notValidBefore)
        #expect(lifetime <= 397 * 86400)
        #expect(try leaf.certificate.extensions.basicConstraints == .notCertificateAuthority)
        for host in ["localhost", "web.pd.test", "a.b.c.pd.local"] { #expect(ca.mayIssue(for: host), "\(host)") }
        for host in ["example.com", "localhost.example.com", "pd.test.evil.com", "*.localhost", "xlocalhost", ""] {
            #expect(!ca.mayIssue(for: host), "\(host)")
            #expect(throws: TLSError.nameRefused(host)) { try ca.issue(for: host) }
        }
    }

    @Test("a key that does not match its certificate is reported, not used")
    func mismatchedKey() throws {
        let home = try tempHome(), other = try tempHome()
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: other)
        }
        let files = CAFiles(home: home)
        _ = try LocalCA.loadOrCreate(files: files)
        _ = try LocalCA.loadOrCreate(files: CAFiles(home: other))
        try FileManager.default.removeItem(atPath: files.privateKey)
        try FileManager.default.copyItem(atPath: CAFiles(home: other).privateKey, toPath: files.privateKey)
        #expect(throws: TLSError.self) { try LocalCA.load(files: files) }
        do {
            _ = try LocalCA.load(files: files)
        } catch {
            #expect(error.code == "tls_ca_unreadable")
        }
    }
}
