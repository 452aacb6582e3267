import Logging
import NIOCore
import NIOPosix
import PortDaddyCore
import ServiceLifecycle
import Synchronization

/// The reverse proxy on loopback: routes by `Host` (`api.myapp.localhost`) to the claimed port. One port speaks
/// plain HTTP and, when ``certificates`` is set, HTTPS (HTTP/1.1 and HTTP/2) with certificates from the local CA.
final class ProxyService: Service, Sendable {
    let claims: ClaimService
    let host: String
    let port: Int
    let domains: [String]
    let logger: Logger
    /// Where `dashboard.localhost` goes (the daemon's own HTTP server), or `nil` to route it like any name.
    let dashboard: DashboardTarget?
    /// TLS material, or `nil` when HTTPS is off.
    let certificates: ProxyCertificates?
    let onBound: @Sendable (Int) -> Void
    /// Who may connect (the daemon's user only, unless shared) and how many at once.
    let policy: ConnectionPolicy?

    init(
        claims: ClaimService, host: String, port: Int, domains: [String], dashboard: DashboardTarget? = nil, certificates: ProxyCertificates? = nil,
        policy: ConnectionPolicy? = nil, logger: Logger, onBound: @escaping @Sendable (Int) -> Void
    ) {
        self.policy = policy
        self.claims = claims
        self.dashboard = dashboard
        self.certificates = certificates
        self.host = host
        self.port = port
        self.domains = domains
        self.logger = logger
        self.onBound = onBound
    }

    func run() async throws {
        let router = ProxyRouter(claims: claims, domains: domains, dashboard: dashboard)
        let certificates = self.certificates, logger = self.logger, policy = self.policy
        let bound = Mutex(0)
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Out of descriptors, accept fails at once: wait a second instead of retrying in a hot loop.
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler()) }
                }
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.autoRead, value: true)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let policy {
                            // Another user's connection (or one too many) is refused before any routing: with a
                            // plain HTTP answer, or by closing a TLS handshake (0x16) it cannot read.
                            try channel.pipeline.syncOperations.addHandler(
                                ConnectionGuard(policy: policy) { first, text in
                                    first.getInteger(at: first.readerIndex, as: UInt8.self) == 0x16 ? nil : text
                                })
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            ProxyProtocolSniffer(router: router, proxyPort: bound.withLock { $0 }, certificates: certificates, logger: logger))
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            // The proxy is a convenience: a taken port must not keep the daemon from serving claims.
            logger.warning("proxy disabled: cannot listen on \(host):\(port): \(error); set PORT_DADDY_PROXY_PORT")
            onBound(0)
            try? await gracefulShutdown()
            return
        }
        let actual = server.localAddress?.port ?? port
        bound.withLock { $0 = actual }
        onBound(actual)
        logger.info("proxy ready", metadata: ["port": "\(actual)"])
        try? await gracefulShutdown()
        try? await server.close()
    }
}
