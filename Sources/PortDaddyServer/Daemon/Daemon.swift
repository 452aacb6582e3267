import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import PortDaddyAPI
import PortDaddyCluster
import PortDaddyCore
import PortDaddySystem
import PortDaddyTLS
import PortDaddyWire
import ServiceLifecycle
import Synchronization

/// The composition root: checks and locks the data dir, builds the services (``DaemonServices``) and the router
/// (``Daemon/buildRouter(_:logger:)``) once, and runs the listeners (Unix socket, loopback TCP, name proxy, DNS),
/// the reaper and the shutdown hook as one service group that shuts down gracefully on SIGTERM and SIGINT.
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
        let systemd = SystemdNotifier.fromEnvironment().map(SystemdLink.init)
        let directory = try DataDirectory(env)
        let core = try await DaemonServices.build(configuration, userToken: try directory.userToken(), logger: logger)
        let (store, claims, locks, channels, activity, coordination, runtime, stacks) =
            (core.store, core.claims, core.locks, core.channels, core.activity, core.coordination, core.runtime, core.stacks)
        core.cluster?.start(
            hub: channels.hub, httpPort: { runtime.tcpPort },
            ports: {
                claims.statuses().map {
                    let info = ServiceInfo($0)
                    return PublishedPort(identity: info.id, port: info.port, pid: info.pid, state: info.state.rawValue)
                }
            })
        // A clean stop gives the lease up, so this node's locks free at once rather than after the lease.
        defer { core.cluster?.leave() }
        let router = Self.buildRouter(core, logger: logger)
        let responder = router.buildResponder()

        let started = Atomic<Int>(0)
        let announce: @Sendable () -> Void = {
            let expected = 2 + (configuration.ipc ? 1 : 0) + (configuration.dnsPort == nil ? 0 : 1) + (configuration.proxyPort == nil ? 0 : 1)
            guard started.add(1, ordering: .relaxed).newValue == expected else { return }
            directory.writeRuntimeInfo(runtime: runtime)
            systemd?.ready()
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
                headTimeout: parsesHeads ? headTimeout : nil, firstByteTimeout: headTimeout,
                identifiesTCPPeers: configuration.identifiesTCPPeers)
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
        // Listed after the Unix socket, so it stops before it (a service group stops in reverse order).
        var ipcService: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.ipc {
            ipcService.append(
                .init(
                    service: IPCService(
                        path: IPCFrame.socketPath(besides: env.socketPath), policy: policy("IPC socket", limits.unixSocket, parsesHeads: false),
                        dispatcher: IPCDispatcher(
                            claims: claims, locks: locks, channels: channels, coordination: coordination, runtime: runtime,
                            arbiter: core.arbiter, offLoop: core.cluster != nil),
                        frameTimeout: headTimeout, logger: logger, onReady: announce)))
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let dnsPort = configuration.dnsPort {
            let resolver = DNSResolver(claims: claims, domain: configuration.dnsDomain)
            services.append(
                .init(
                    service: DNSService(resolver: resolver, host: configuration.tcpHost, port: dnsPort, logger: logger) { port in
                        runtime.setDNSPort(port)
                        announce()
                    }))
        }
        if let proxyPort = configuration.proxyPort {
            let domains = [HostNames.localhostDomain] + (configuration.dnsPort != nil ? [configuration.dnsDomain] : [])
            let dashboard = DashboardTarget(address: configuration.tcpHost) { runtime.tcpPort }
            let certificates =
                configuration.proxyTLS
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
        let reaper = ReaperService(
            claims: claims, locks: locks, channels: channels, coordination: coordination, activity: activity, runs: core.runs,
            changelog: core.changelog, memory: core.memory, graph: core.graph.recorder,
            intervalSeconds: configuration.reapIntervalSeconds, logger: logger)
        // A service group stops its services in reverse order: the flusher, first here, makes the last write after
        // everything else (the shutdown hook stopping stacks, the servers finishing their requests) has recorded.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: ActivityFlusher(activity: activity, logger: logger)),
                    .init(service: tcp), .init(service: unix),
                ] + ipcService + [
                    .init(service: reaper), .init(service: IdleMemoryTrimmer()),
                    .init(service: ArbiterSweepService(arbiter: core.arbiter, intervalSeconds: configuration.reapIntervalSeconds, logger: logger)),
                    .init(service: SnapshotService(watcher: core.snapshots, intervalSeconds: configuration.snapshotPollSeconds, logger: logger)),
                    .init(service: FleetReloadService(fleets: core.fleets, intervalSeconds: configuration.fleetPollSeconds, logger: logger)),
                    .init(service: WebhookDeliveryService(webhooks: core.webhooks, logger: logger)),
                    .init(
                        service: ShutdownHook(
                            hub: channels.hub, activity: activity, locks: locks, stacks: stacks, runs: core.runs, tuples: core.memory.tuples)),
                ] + services + (systemd.map { [.init(service: SystemdWatchdog(link: $0))] } ?? []),
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
