import PortDaddyAPI
import PortDaddyCore
import Synchronization

/// Facts about the running daemon that routes report and middleware checks against.
public final class ServerRuntime: Sendable {
    public let configuration: DaemonConfiguration
    public let startedAt: Int64
    private let boundPort: Atomic<Int>

    init(configuration: DaemonConfiguration, startedAt: Int64) {
        self.configuration = configuration
        self.startedAt = startedAt
        self.boundPort = Atomic(configuration.tcpPort)
    }

    /// The TCP port actually bound (differs from the configuration when it asked for 0).
    public var tcpPort: Int { boundPort.load(ordering: .relaxed) }

    func setBoundPort(_ port: Int) { boundPort.store(port, ordering: .relaxed) }
}
