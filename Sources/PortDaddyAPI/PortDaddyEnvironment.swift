#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where Port Daddy keeps its files and how clients reach the daemon, from the environment.
///
/// - `PORT_DADDY_HOME`: data dir (default `~/.port-daddy`).
/// - `PORT_DADDY_SOCKET`: Unix socket path (default `$PORT_DADDY_HOME/pd.sock`).
/// - `PORT_DADDY_URL`: talk to the daemon over TCP at this URL instead of the socket.
/// - `PORT_DADDY_PORT`: the TCP port the daemon listens on (default 9876).
/// - `PORT_DADDY_NO_AUTOSTART=1`: never start a daemon from a client command.
/// - `PORT_DADDY_MASTER_KEY_FILE`: the master key of encryption at rest (default `$PORT_DADDY_HOME/master.key`).
public struct PortDaddyEnvironment: Sendable {
    public var home: String
    public var socketPath: String
    public var url: String?
    public var tcpPort: Int?
    public var noAutostart: Bool

    /// The default TCP port of the daemon.
    public static let defaultTCPPort = 9876

    public init(home: String, socketPath: String? = nil, url: String? = nil, tcpPort: Int? = nil, noAutostart: Bool = false) {
        self.home = home
        self.socketPath = socketPath ?? home + "/pd.sock"
        self.url = url
        self.tcpPort = tcpPort
        self.noAutostart = noAutostart
    }

    /// Reads the process environment.
    public static func current() -> PortDaddyEnvironment {
        let home = value("PORT_DADDY_HOME") ?? ((value("HOME") ?? "/tmp") + "/.port-daddy")
        return PortDaddyEnvironment(
            home: home, socketPath: value("PORT_DADDY_SOCKET"), url: value("PORT_DADDY_URL"),
            tcpPort: value("PORT_DADDY_PORT").flatMap { Int($0) },
            noAutostart: ["1", "true", "yes"].contains(value("PORT_DADDY_NO_AUTOSTART")?.lowercased() ?? ""))
    }

    /// An environment variable, `nil` when unset or empty.
    public static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let s = String(cString: raw)
        return s.isEmpty ? nil : s
    }

    public var databasePath: String { home + "/registry.sqlite" }
    public var runtimeFile: String { home + "/daemon.json" }
    public var lockFile: String { home + "/daemon.lock" }
    /// The user's API token (0600): lets TCP clients make requests that run commands or read files.
    public var tokenFile: String { home + "/token" }
    public var logFile: String { home + "/daemon.log" }
    /// The master key that seals notes and run text at rest (0600, 32 bytes): `PORT_DADDY_MASTER_KEY_FILE`, else
    /// `master.key` in the data dir.
    public var masterKeyFile: String { Self.value("PORT_DADDY_MASTER_KEY_FILE") ?? home + "/master.key" }

    /// The longest Unix socket path the OS accepts (`sun_path` minus its terminating NUL).
    public static var maxSocketPathBytes: Int {
        #if os(Linux)
            return 107
        #else
            return 103
        #endif
    }
}

/// What a running daemon writes to `daemon.json` so clients and a second daemon can find it.
public struct RuntimeInfo: Codable, Sendable, Equatable {
    public var pid: Int
    public var version: String
    public var socket: String
    public var tcpHost: String
    public var tcpPort: Int
    public var home: String
    /// Milliseconds since 1970.
    public var startedAt: Int64
    /// The DNS responder's port and domain, when it runs.
    public var dnsPort: Int?
    public var dnsDomain: String?
    /// The reverse proxy's port, when it runs.
    public var proxyPort: Int?

    public init(
        pid: Int, version: String, socket: String, tcpHost: String, tcpPort: Int, home: String, startedAt: Int64, dnsPort: Int? = nil,
        dnsDomain: String? = nil, proxyPort: Int? = nil
    ) {
        self.proxyPort = proxyPort
        self.dnsPort = dnsPort
        self.dnsDomain = dnsDomain
        self.pid = pid
        self.version = version
        self.socket = socket
        self.tcpHost = tcpHost
        self.tcpPort = tcpPort
        self.home = home
        self.startedAt = startedAt
    }
}
