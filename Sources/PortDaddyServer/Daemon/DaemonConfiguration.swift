import Foundation
import PortDaddyAPI
import PortDaddyCluster
import PortDaddyCore

/// Everything the daemon needs to start, from flags and the environment.
public struct DaemonConfiguration: Sendable {
    public var environment: PortDaddyEnvironment
    /// Loopback address for TCP. Anything else must be asked for explicitly.
    public var tcpHost: String
    /// TCP port; 0 lets the OS choose (the chosen port is written to `daemon.json`).
    public var tcpPort: Int
    public var claims: ClaimSettings
    public var reapIntervalSeconds: Double
    /// Channel retention: newest messages kept per channel, and the oldest age kept.
    public var channelMaxMessages = 1000
    public var channelMaxAgeSeconds: Double = 7 * 86400
    /// DNS responder port on the TCP host: `nil` turns it off, 0 lets the OS choose.
    public var dnsPort: Int?
    /// The domain the DNS responder answers for.
    public var dnsDomain = "pd.local"
    /// Reverse proxy port on the TCP host: `nil` turns it off, 0 lets the OS choose. Default: 80 where this
    /// user may bind it, else ``fallbackProxyPort``.
    public var proxyPort: Int? = DaemonConfiguration.defaultProxyPort()
    /// Whether the proxy port also speaks HTTPS (`PORT_DADDY_PROXY_TLS`, default on). The CA and certificates are
    /// made on the first TLS connection, not at start.
    public var proxyTLS = true
    /// `PORT_DADDY_SHARED=1`: serve other local users too (they then need the token to write or read private
    /// data). Off by default: the daemon is its user's alone, and connections from other UIDs are refused.
    public var shared = false
    /// Connections each listener accepts at once (`PORT_DADDY_MAX_CONNECTIONS`; default from the fd limit).
    public var maxConnections: Int?
    /// `PORT_DADDY_PEER_LOOKUP=off`: do not ask who owns a TCP connection; every TCP peer is then unidentified and
    /// needs the token to write or read private data, as on a system without the lookup (macOS). For diagnosis.
    public var identifiesTCPPeers = true
    /// `PORT_DADDY_IPC=off`: do not open the binary IPC socket `pd.ipc` (clients then use HTTP). For diagnosis and
    /// for tests that compare the two.
    public var ipc = true
    /// Seconds a request head may take from its first byte (`PORT_DADDY_HEAD_TIMEOUT`, default 10).
    public var headTimeoutSeconds: Double = 10
    /// Seconds a keep-alive connection may sit idle between requests (`PORT_DADDY_IDLE_TIMEOUT`, default 60).
    public var idleTimeoutSeconds: Double = 60
    /// How long `pd down` waits between SIGTERM and SIGKILL (`PORT_DADDY_STOP_GRACE`, seconds).
    public var stopGraceSeconds: Double = 5
    /// How often a ready stack service's liveness is checked (`PORT_DADDY_LIVENESS_INTERVAL`, seconds).
    public var livenessIntervalSeconds: Double = 5
    /// How often the snapshot watcher stats the files of trusted claims (`PORT_DADDY_SNAPSHOT_POLL`, 0.1–60 s, default 2).
    public var snapshotPollSeconds: Double = 2
    /// Seconds between looks at running fleets' `pd-fleet.yml` (`PORT_DADDY_FLEET_POLL`, 0.2–60).
    public var fleetPollSeconds: Double = 2
    /// Scales every webhook retry backoff (1, 2, 4, 8, 16, 32 s) (`PORT_DADDY_WEBHOOK_BACKOFF`, 0.001–10, default 1; for
    /// tests).
    public var webhookBackoff: Double = 1
    /// How long changelog entries are kept (`PORT_DADDY_CHANGELOG_MAX_AGE`, seconds, default 180 days).
    public var changelogMaxAgeSeconds: Double = 180 * 86400
    /// Seconds a run over its project's allowance keeps going before it is killed (`PORT_DADDY_BUDGET_GRACE`, 1 s–1 h).
    public var budgetGraceSeconds: Double = 60
    /// Seconds between arming the panic switch and the last moment to confirm it (`PORT_DADDY_PANIC_WINDOW`, 1 s–10 min).
    public var panicWindowSeconds: Double = 30
    /// Agent runs at once (`PORT_DADDY_MAX_RUNS`, 1–256, default 8).
    public var maxRuns = 8
    /// Seconds a pheromone sprayed without `--half-life` takes to halve (`PORT_DADDY_PHEROMONE_HALF_LIFE`, 1 s–30 d,
    /// default 10 minutes).
    public var pheromoneHalfLifeSeconds = PheromoneService.defaultHalfLifeSeconds
    /// The `pd-llm` program HTTP backends run as (next to this executable), or nil when it is not there.
    public var llmProgram: String? = DaemonConfiguration.sibling("pd-llm")
    /// Cluster mode: the PostgreSQL this daemon shares locks, channels, agents and sessions through (nil: alone).
    public var cluster: ClusterSettings?
    /// The proxy's port when 80 is privileged.
    public static let fallbackProxyPort = 1380

    /// The executable `name` in this executable's directory, when it is there.
    public static func sibling(_ name: String) -> String? {
        guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let path = (me as NSString).deletingLastPathComponent + "/" + name
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// 80 when this process may bind it (root, or `ip_unprivileged_port_start` ≤ 80), else 1380.
    public static func defaultProxyPort() -> Int {
        if getuid() == 0 { return 80 }
        if let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_unprivileged_port_start", encoding: .utf8),
            let start = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), start <= 80
        {
            return 80
        }
        return fallbackProxyPort
    }

    public init(
        environment: PortDaddyEnvironment, tcpHost: String = "127.0.0.1", tcpPort: Int = PortDaddyEnvironment.defaultTCPPort,
        claims: ClaimSettings = ClaimSettings(), reapIntervalSeconds: Double = 30
    ) {
        self.environment = environment
        self.tcpHost = tcpHost
        self.tcpPort = tcpPort
        self.claims = claims
        self.reapIntervalSeconds = reapIntervalSeconds
    }

    /// Reads `PORT_DADDY_*` settings: `PORT`, `RANGE_START`, `RANGE_END`, `RESERVED` (comma-separated),
    /// `REAP_INTERVAL` and `REAP_GRACE` (seconds).
    public static func fromEnvironment(_ environment: PortDaddyEnvironment = .current()) throws(DaemonError) -> DaemonConfiguration {
        func number(_ name: String) throws(DaemonError) -> Double? {
            guard let raw = PortDaddyEnvironment.value(name) else { return nil }
            guard let value = Double(raw), value >= 0, value <= DurationParser.maxSeconds else { throw .badSetting(name, raw) }
            return value
        }
        func integer(_ name: String) throws(DaemonError) -> Int? {
            guard let raw = PortDaddyEnvironment.value(name) else { return nil }
            guard let value = Int(raw) else { throw .badSetting(name, raw) }
            return value
        }
        let start = try integer("PORT_DADDY_RANGE_START") ?? 3100
        let end = try integer("PORT_DADDY_RANGE_END") ?? 9999
        guard PortNumber.range.contains(start), PortNumber.range.contains(end), start <= end else {
            throw .badSetting("PORT_DADDY_RANGE_START/END", "\(start)-\(end)")
        }
        var reserved = Set<Int>()
        if let list = PortDaddyEnvironment.value("PORT_DADDY_RESERVED") {
            for item in list.split(separator: ",") {
                guard let port = Int(item.trimmingWhitespace()), PortNumber.range.contains(port) else {
                    throw .badSetting("PORT_DADDY_RESERVED", list)
                }
                reserved.insert(port)
            }
        }
        var config = DaemonConfiguration(environment: environment)
        config.tcpPort = try integer("PORT_DADDY_PORT") ?? environment.tcpPort ?? PortDaddyEnvironment.defaultTCPPort
        guard PortNumber.listenRange.contains(config.tcpPort) else { throw .badSetting("PORT_DADDY_PORT", String(config.tcpPort)) }
        config.claims = ClaimSettings(
            range: start...end, reserved: reserved, graceSeconds: try number("PORT_DADDY_REAP_GRACE") ?? 120)
        config.reapIntervalSeconds = max(0.1, try number("PORT_DADDY_REAP_INTERVAL") ?? 30)
        config.channelMaxMessages = max(1, try integer("PORT_DADDY_CHANNEL_MAX_MESSAGES") ?? 1000)
        config.stopGraceSeconds = min(max(0, try number("PORT_DADDY_STOP_GRACE") ?? 5), 300)
        config.livenessIntervalSeconds = min(max(0.1, try number("PORT_DADDY_LIVENESS_INTERVAL") ?? 5), 3600)
        if let poll = try number("PORT_DADDY_SNAPSHOT_POLL") {
            guard (0.1...60).contains(poll) else { throw .badSetting("PORT_DADDY_SNAPSHOT_POLL", String(poll)) }
            config.snapshotPollSeconds = poll
        }
        if let raw = PortDaddyEnvironment.value("PORT_DADDY_DNS_PORT") {
            if raw == "auto" {
                config.dnsPort = 0
            } else {
                guard let port = Int(raw), PortNumber.listenRange.contains(port) else { throw .badSetting("PORT_DADDY_DNS_PORT", raw) }
                config.dnsPort = port == 0 ? nil : port
            }
        }
        if let raw = PortDaddyEnvironment.value("PORT_DADDY_PROXY_PORT") {
            if raw == "auto" {
                config.proxyPort = 0
            } else {
                guard let port = Int(raw), PortNumber.listenRange.contains(port) else { throw .badSetting("PORT_DADDY_PROXY_PORT", raw) }
                config.proxyPort = port == 0 ? nil : port
            }
        }
        if let raw = PortDaddyEnvironment.value("PORT_DADDY_SHARED") {
            switch raw.lowercased() {
            case "1", "on", "true", "yes": config.shared = true
            case "0", "off", "false", "no": config.shared = false
            default: throw .badSetting("PORT_DADDY_SHARED", raw)
            }
        }
        config.headTimeoutSeconds = min(max(0.1, try number("PORT_DADDY_HEAD_TIMEOUT") ?? 10), 3600)
        config.idleTimeoutSeconds = min(max(0.1, try number("PORT_DADDY_IDLE_TIMEOUT") ?? 60), 86400)
        if let raw = PortDaddyEnvironment.value("PORT_DADDY_PEER_LOOKUP") {
            switch raw.lowercased() {
            case "1", "on", "true", "yes": config.identifiesTCPPeers = true
            case "0", "off", "false", "no": config.identifiesTCPPeers = false
            default: throw .badSetting("PORT_DADDY_PEER_LOOKUP", raw)
            }
        }
        if let raw = PortDaddyEnvironment.value("PORT_DADDY_IPC") {
            switch raw.lowercased() {
            case "1", "on", "true", "yes": config.ipc = true
            case "0", "off", "false", "no": config.ipc = false
            default: throw .badSetting("PORT_DADDY_IPC", raw)
            }
        }
        if let max = try integer("PORT_DADDY_MAX_CONNECTIONS") {
            guard max >= 1 else { throw .badSetting("PORT_DADDY_MAX_CONNECTIONS", String(max)) }
            config.maxConnections = max
        }
        if let raw = PortDaddyEnvironment.value("PORT_DADDY_PROXY_TLS") {
            switch raw.lowercased() {
            case "1", "on", "true", "yes": config.proxyTLS = true
            case "0", "off", "false", "no": config.proxyTLS = false
            default: throw .badSetting("PORT_DADDY_PROXY_TLS", raw)
            }
        }
        if let domain = PortDaddyEnvironment.value("PORT_DADDY_DNS_DOMAIN") {
            guard HostNames.isValidDomain(domain) else { throw .badSetting("PORT_DADDY_DNS_DOMAIN", domain) }
            config.dnsDomain = domain.lowercased()
        }
        config.channelMaxAgeSeconds = min(try number("PORT_DADDY_CHANNEL_MAX_AGE") ?? 7 * 86400, DurationParser.maxSeconds)
        config.changelogMaxAgeSeconds = min(max(1, try number("PORT_DADDY_CHANGELOG_MAX_AGE") ?? 180 * 86400), DurationParser.maxSeconds)
        if let poll = try number("PORT_DADDY_FLEET_POLL") {
            guard (0.2...60).contains(poll) else {
                throw .badSetting("PORT_DADDY_FLEET_POLL", PortDaddyEnvironment.value("PORT_DADDY_FLEET_POLL") ?? "")
            }
            config.fleetPollSeconds = poll
        }
        if let backoff = try number("PORT_DADDY_WEBHOOK_BACKOFF") {
            guard (0.001...10).contains(backoff) else {
                throw .badSetting("PORT_DADDY_WEBHOOK_BACKOFF", PortDaddyEnvironment.value("PORT_DADDY_WEBHOOK_BACKOFF") ?? "")
            }
            config.webhookBackoff = backoff
        }
        if let grace = try number("PORT_DADDY_BUDGET_GRACE") {
            guard (1...3600).contains(grace) else {
                throw .badSetting("PORT_DADDY_BUDGET_GRACE", PortDaddyEnvironment.value("PORT_DADDY_BUDGET_GRACE") ?? "")
            }
            config.budgetGraceSeconds = grace
        }
        if let window = try number("PORT_DADDY_PANIC_WINDOW") {
            guard (1...600).contains(window) else {
                throw .badSetting("PORT_DADDY_PANIC_WINDOW", PortDaddyEnvironment.value("PORT_DADDY_PANIC_WINDOW") ?? "")
            }
            config.panicWindowSeconds = window
        }
        if let runs = try integer("PORT_DADDY_MAX_RUNS") {
            guard (1...256).contains(runs) else { throw .badSetting("PORT_DADDY_MAX_RUNS", String(runs)) }
            config.maxRuns = runs
        }
        if let halfLife = try number("PORT_DADDY_PHEROMONE_HALF_LIFE") {
            guard (1...30 * 86400).contains(halfLife) else {
                throw .badSetting("PORT_DADDY_PHEROMONE_HALF_LIFE", PortDaddyEnvironment.value("PORT_DADDY_PHEROMONE_HALF_LIFE") ?? String(halfLife))
            }
            config.pheromoneHalfLifeSeconds = halfLife
        }
        return config
    }
}

/// Why the daemon cannot start or run.
public enum DaemonError: Error, CustomStringConvertible, Sendable {
    case alreadyRunning(RuntimeInfo?, home: String)
    case badSetting(String, String)
    case dataDirectory(String)
    case socketPathTooLong(String)
    case notLoopback(String)
    /// The servers stopped with an error.
    case stopped(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let info?, _):
            return
                "a Port Daddy daemon is already running for this data dir (pid \(info.pid), socket \(info.socket), "
                + "http://\(info.tcpHost):\(info.tcpPort))"
        case .alreadyRunning(nil, let home):
            return "a Port Daddy daemon is already running for \(home) (it holds \(home)/daemon.lock)"
        case .badSetting(let name, let value):
            return "\(name)=\(value) is not valid; see README \"Environment variables\""
        case .dataDirectory(let why): return why
        case .socketPathTooLong(let path):
            return
                "the socket path \(path) is \(path.utf8.count) bytes; Unix sockets allow at most "
                + "\(PortDaddyEnvironment.maxSocketPathBytes). Set PORT_DADDY_HOME or PORT_DADDY_SOCKET to a shorter path"
        case .stopped(let why): return "the daemon stopped: \(why)"
        case .notLoopback(let host):
            return "refusing to listen on \(host): not a loopback address (pass --allow-remote to insist)"
        }
    }
}
