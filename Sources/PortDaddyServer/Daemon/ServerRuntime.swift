import Foundation
import PortDaddyAPI
import PortDaddyBuildInfo
import PortDaddyCore
import PortDaddySystem
import Synchronization

/// Facts about the running daemon that routes report and middleware checks against.
public final class ServerRuntime: Sendable {
    public let configuration: DaemonConfiguration
    public let startedAt: Int64
    /// The user's token (see `PortDaddyEnvironment.tokenFile`).
    let userToken: String
    /// The git commit this daemon was built from ("unknown" outside a git checkout).
    public let commit = BuildInfo.commit
    /// This daemon's binary (`/proc/self/exe`).
    public let binary = ExecutablePath.current()
    /// `GET /health`'s constant bytes, built once.
    let healthBody: HealthBody
    private let boundPort: Atomic<Int>
    private let boundDNSPort = Atomic<Int>(0)
    private let boundProxyPort = Atomic<Int>(0)

    init(configuration: DaemonConfiguration, startedAt: Int64, userToken: String) {
        self.configuration = configuration
        self.startedAt = startedAt
        self.userToken = userToken
        self.healthBody = HealthBody(pid: Int(getpid()), version: PortDaddyVersion.current, commit: BuildInfo.commit, binary: binary)
        self.boundPort = Atomic(configuration.tcpPort)
    }

    /// The TCP port actually bound (differs from the configuration when it asked for 0).
    public var tcpPort: Int { boundPort.load(ordering: .relaxed) }

    func setBoundPort(_ port: Int) { boundPort.store(port, ordering: .relaxed) }

    /// The DNS responder's port, or `nil` when it is off.
    public var dnsPort: Int? {
        let port = boundDNSPort.load(ordering: .relaxed)
        return port == 0 ? nil : port
    }

    func setDNSPort(_ port: Int) { boundDNSPort.store(port, ordering: .relaxed) }

    /// The reverse proxy's port, or `nil` when it is off (or could not bind).
    public var proxyPort: Int? {
        let port = boundProxyPort.load(ordering: .relaxed)
        return port == 0 ? nil : port
    }

    func setProxyPort(_ port: Int) { boundProxyPort.store(port, ordering: .relaxed) }
}
