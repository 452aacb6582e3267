import Foundation
import Logging
import NIOSSL
import PortDaddyTLS
import Synchronization

/// The proxy's TLS material: the local CA (loaded, or made in the data dir, on the first TLS connection — never
/// at daemon start), a leaf certificate per SNI name (made on demand, kept in memory), and the server context.
final class ProxyCertificates: Sendable {
    /// The files of the CA.
    let files: CAFiles
    /// The domains the proxy serves: only names under them get a certificate.
    let domains: [String]
    /// Extra domains a new CA is permitted to sign for (the DNS domain).
    let caDomains: [String]
    private let state = Mutex(State())

    /// Certificates kept at most; past that the cache starts over (names are cheap to re-issue).
    static let maxCachedLeaves = 512
    /// The name a client that sends no SNI gets a certificate for.
    static let defaultHost = "localhost"

    struct Leaf: Sendable {
        let certificate: NIOSSLCertificate
        let key: NIOSSLPrivateKey
        let renewAfter: Date
    }

    struct State {
        var ca: LocalCA?
        var context: NIOSSLContext?
        var leaves: [String: Leaf] = [:]
    }

    init(files: CAFiles, domains: [String], caDomains: [String]) {
        self.files = files
        self.domains = domains
        self.caDomains = caDomains
    }

    /// The server context, made with the CA on first use. ALPN offers `h2` first, then `http/1.1`.
    func serverContext() throws -> NIOSSLContext {
        if let context = state.withLock({ $0.context }) { return context }
        let fallback = try leaf(for: Self.defaultHost)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(fallback.certificate)], privateKey: .privateKey(fallback.key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.sslContextCallback = { [self] values, promise in
            do {
                let leaf = try self.leaf(for: values.serverHostname ?? Self.defaultHost)
                var override = NIOSSLContextConfigurationOverride()
                override.certificateChain = [.certificate(leaf.certificate)]
                override.privateKey = .privateKey(leaf.key)
                promise.succeed(override)
            } catch {
                promise.fail(error)
            }
        }
        let context = try NIOSSLContext(configuration: configuration)
        return state.withLock { state in
            if let existing = state.context { return existing }
            state.context = context
            return context
        }
    }

    /// The leaf for `host` (SNI), issued on first use. Names the proxy does not serve get none.
    func leaf(for rawHost: String, now: Date = Date()) throws -> Leaf {
        var host = rawHost.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        guard ProxyRouter.isOurs(host, domains) else { throw TLSError.nameRefused(rawHost) }
        return try state.withLock { state in
            if let cached = state.leaves[host], cached.renewAfter > now { return cached }
            let ca = try state.ca ?? LocalCA.loadOrCreate(files: files, domains: caDomains)
            state.ca = ca
            let issued = try ca.issue(for: host, now: now)
            let leaf = Leaf(
                certificate: try NIOSSLCertificate(bytes: issued.certificateDER, format: .der),
                key: try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem),
                renewAfter: issued.renewAfter)
            if state.leaves.count >= Self.maxCachedLeaves { state.leaves.removeAll() }
            state.leaves[host] = leaf
            return leaf
        }
    }
}
