import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import PortDaddyAPI
import PortDaddyCore
import PortDaddyTLS
import ServiceLifecycle
import Synchronization

/// The composition root: opens the store, builds the routes once, and runs the HTTP servers (Unix socket and
/// loopback TCP) and the reaper as one service group that shuts down gracefully on SIGTERM and SIGINT.
public enum Daemon {
    /// Runs the daemon until SIGTERM/SIGINT. Returns after in-flight requests finished and the WAL was
    /// checkpointed.
    public static func run(_ configuration: DaemonConfiguration, allowRemote: Bool = false, logger: Logger) async throws {
        let env = configuration.environment
        guard allowRemote || SecurityMiddleware.loopbackNames.contains(configuration.tcpHost) else {
            throw DaemonError.notLoopback(configuration.tcpHost)
        }
        guard env.socketPath.utf8.count <= PortDaddyEnvironment.maxSocketPathBytes else {
            throw DaemonError.socketPathTooLong(env.socketPath)
        }
        umask(0o077)
        let directory = try DataDirectory(env)
        let store = try SQLiteStore(path: env.databasePath)
        var settings = configuration.claims
        if configuration.tcpPort != 0 { settings.reserved.insert(configuration.tcpPort) }
        let claims = try ClaimService(store: store, settings: settings)
        let locks = try LockService(store: store)
        let channels = ChannelService(
            store: store, maxMessages: configuration.channelMaxMessages, maxAgeSeconds: configuration.channelMaxAgeSeconds)
        let activity = ActivityLog(store: store)
        let coordination = CoordinationService(store: store, claims: claims, locks: locks, activity: activity)
        let inbox = Inbox(channels: channels, coordination: coordination)
        let runtime = ServerRuntime(configuration: configuration, startedAt: SystemWallClock().nowMillis(), userToken: try directory.userToken())
        var stackSettings = StackSettings()
        stackSettings.stopGrace = .milliseconds(Int(configuration.stopGraceSeconds * 1000))
        stackSettings.monitorInterval = .milliseconds(Int(configuration.livenessIntervalSeconds * 1000))
        let stacks = StackSupervisor(
            claims: claims, store: store, activity: activity, settings: stackSettings,
            namedURL: { identity in runtime.proxyPort.map { HostNames.url(of: identity, proxyPort: $0) } },
            domains: [HostNames.localhostDomain] + (configuration.dnsPort != nil ? [configuration.dnsDomain] : []))
        let orphans = await stacks.reapOrphans()
        if !orphans.isEmpty { logger.warning("stopped processes a previous daemon left running", metadata: ["identities": "\(orphans)"]) }

        let router = Router(context: PDRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: SecurityMiddleware(runtime: runtime))
        router.add(middleware: AgentTouchMiddleware(coordination: coordination))
        SystemController(claims: claims, store: store, runtime: runtime, stacks: stacks).addRoutes(to: router)
        ClaimController(claims: claims, processes: SystemProcessProber(), ports: SystemPortProber(), activity: activity).addRoutes(to: router)
        V1Controller(claims: claims, activity: activity).addRoutes(to: router)
        LockController(locks: locks, logger: logger, activity: activity).addRoutes(to: router)
        ChannelController(channels: channels).addRoutes(to: router)
        CoordinationController(coordination: coordination, inbox: inbox, activity: activity).addRoutes(to: router)
        StackController(stacks: stacks, runtime: runtime).addRoutes(to: router)
        DashboardController(
            claims: claims, locks: locks, coordination: coordination, channels: channels, inbox: inbox, activity: activity,
            stacks: stacks, userToken: runtime.userToken
        ).addRoutes(to: router)
        let responder = router.buildResponder()

        let started = Atomic<Int>(0)
        let announce: @Sendable () -> Void = {
            let expected = 2 + (configuration.dnsPort == nil ? 0 : 1) + (configuration.proxyPort == nil ? 0 : 1)
            guard started.add(1, ordering: .relaxed).newValue == expected else { return }
            directory.writeRuntimeInfo(runtime: runtime)
            logger.info("port daddy ready", metadata: ["socket": "\(env.socketPath)", "port": "\(runtime.tcpPort)"])
        }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let limits = ConnectionLimits.configure(override: configuration.maxConnections)
        let headTimeout = TimeAmount.milliseconds(Int64(configuration.headTimeoutSeconds * 1000))
        let idleTimeout = TimeAmount.milliseconds(Int64(configuration.idleTimeoutSeconds * 1000))
        /// `parsesHeads`: the listener sees request heads (the proxy passes bytes through: only the first-byte timer).
        func policy(_ name: String, _ max: Int, parsesHeads: Bool = true) -> ConnectionPolicy {
            ConnectionPolicy(
                name: name, ownerUID: UInt32(getuid()), shared: configuration.shared, token: runtime.userToken, maxConnections: max,
                headTimeout: parsesHeads ? headTimeout : nil, firstByteTimeout: headTimeout)
        }
        let tcpPolicy = policy("HTTP port", limits.tcp), unixPolicy = policy("Unix socket", limits.unixSocket)
        /// HTTP/1.1 with our connection guard; an idle keep-alive connection (no request in flight) is closed.
        func server(_ policy: ConnectionPolicy) -> HTTPServerBuilder {
            .http1(configuration: .init(additionalChannelHandlers: [RequestGate(policy: policy)], idleTimeout: idleTimeout))
        }
        let tcp = Application(
            responder: responder,
            server: server(tcpPolicy),
            configuration: .init(address: .hostname(configuration.tcpHost, port: configuration.tcpPort), serverName: nil),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port {
                    runtime.setBoundPort(port)
                    claims.reserve([port])
                }
                announce()
            },
            logger: quiet)
        let unix = Application(
            responder: responder,
            server: server(unixPolicy),
            configuration: .init(address: .unixDomainSocket(path: env.socketPath), serverName: nil),
            onServerRunning: { _ in
                chmod(env.socketPath, 0o600)
                announce()
            },
            logger: quiet)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let dnsPort = configuration.dnsPort {
            let resolver = DNSResolver(claims: claims, domain: configuration.dnsDomain)
            services.append(.init(service: DNSService(resolver: resolver, host: configuration.tcpHost, port: dnsPort, logger: logger) { port in
                runtime.setDNSPort(port)
                announce()
            }))
        }
        if let proxyPort = configuration.proxyPort {
            let domains = [HostNames.localhostDomain] + (configuration.dnsPort != nil ? [configuration.dnsDomain] : [])
            let dashboard = DashboardTarget(address: configuration.tcpHost) { runtime.tcpPort }
            let certificates = configuration.proxyTLS
                ? ProxyCertificates(files: CAFiles(home: env.home), domains: domains, caDomains: [configuration.dnsDomain]) : nil
            let proxy = ProxyService(
                claims: claims, host: configuration.tcpHost, port: proxyPort, domains: domains, dashboard: dashboard,
                certificates: certificates, policy: policy("name proxy", limits.proxy, parsesHeads: false), logger: logger
            ) { port in
                runtime.setProxyPort(port)
                if port != 0 { claims.reserve([port]) }
                announce()
            }
            services.append(.init(service: proxy))
        }
        let reaper = ReaperService(claims: claims, locks: locks, channels: channels, coordination: coordination, activity: activity, intervalSeconds: configuration.reapIntervalSeconds, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: tcp), .init(service: unix), .init(service: reaper),
                    .init(service: ShutdownHook(hub: channels.hub, locks: locks, stacks: stacks, activity: activity)),
                    .init(service: ActivityFlusher(activity: activity, logger: logger)),
                ] + services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: quiet))
        defer {
            unlink(env.socketPath)
            directory.removeRuntime()
        }
        do {
            try await group.run()
        } catch {
            try? store.checkpoint()
            throw DaemonError.stopped(Self.explain(error, configuration))
        }
        try store.checkpoint()
        logger.info("port daddy stopped")
    }

    static func explain(_ error: any Error, _ configuration: DaemonConfiguration) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") {
            return "TCP port \(configuration.tcpPort) on \(configuration.tcpHost) is in use; start with --port N or set PORT_DADDY_PORT"
        }
        return text
    }
}

extension DataDirectory {
    func writeRuntimeInfo(runtime: ServerRuntime) {
        let config = runtime.configuration
        writeRuntime(
            RuntimeInfo(
                pid: Int(getpid()), version: PortDaddyVersion.current, socket: config.environment.socketPath,
                tcpHost: config.tcpHost, tcpPort: runtime.tcpPort, home: config.environment.home,
                startedAt: runtime.startedAt, dnsPort: runtime.dnsPort, dnsDomain: runtime.dnsPort == nil ? nil : config.dnsDomain,
                proxyPort: runtime.proxyPort))
    }
}
