import PortDaddyAPI
import Synchronization

/// What the CLI needs from the daemon's own modules, supplied by the `pd` executable (the composition root) so that
/// this library never imports the server: running the daemon in the foreground, and reading the database of one
/// that is not running.
public protocol DaemonHost: Sendable {
    /// Runs the daemon in the foreground until it is stopped.
    func runDaemon(_ options: DaemonOptions, environment: PortDaddyEnvironment) async throws(CLIError)
    /// SQLite's integrity check of the database at `path`, opened read-only ("ok" when sound).
    func integrityCheck(readingOnly path: String) -> String
}

/// `pd daemon`'s options, validated by the command and applied over the environment's configuration by the host.
public struct DaemonOptions: Sendable {
    /// How a listener's port was chosen on the command line.
    public enum PortChoice: Sendable, Equatable {
        /// Do not listen.
        case off
        /// Let the OS choose a free port.
        case automatic
        case port(Int)
    }

    public var tcpPort: Int?
    public var tcpHost: String
    public var allowRemote: Bool
    public var logLevel: String
    public var dnsPort: PortChoice?
    public var dnsDomain: String?
    public var proxyPort: PortChoice?
    /// Cluster mode: the PostgreSQL URL (`--cluster`, else `PORT_DADDY_CLUSTER_URL`) and this node's name (`--node`).
    public var clusterURL: String? = nil
    public var node: String? = nil
}

/// The host the executable installed at start; `pd daemon` and `pd doctor` fail clearly without one.
enum DaemonHosting {
    private static let installed = Mutex<(any DaemonHost)?>(nil)

    static func install(_ host: any DaemonHost) { installed.withLock { $0 = host } }

    static var current: any DaemonHost {
        get throws(CLIError) {
            guard let host = installed.withLock({ $0 }) else { throw CLIError("this build of pd cannot run the daemon") }
            return host
        }
    }
}
