import Foundation
import Logging
import NIOCore
import NIOPosix
import PortDaddyWire
import ServiceLifecycle
import Synchronization

/// The binary IPC socket `pd.ipc` (docs/IPC.md): a Unix socket beside `pd.sock`, mode 0600, served by
/// ``IPCConnectionHandler``s directly on the NIO event loops. On graceful shutdown it stops accepting, tells every
/// open conversation `failure SHUTTING_DOWN`, closes the connections and removes the socket file.
struct IPCService: Service {
    let path: String
    let policy: ConnectionPolicy
    let dispatcher: IPCDispatcher
    let frameTimeout: TimeAmount
    let logger: Logger
    let onReady: @Sendable () -> Void

    func run() async throws {
        let connections = IPCConnections()
        let fanout = IPCFanout()
        let (policy, dispatcher, frameTimeout) = (self.policy, self.dispatcher, self.frameTimeout)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IPCConnectionHandler(policy: policy, dispatcher: dispatcher, fanout: fanout, frameTimeout: frameTimeout))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        chmod(path, 0o600)
        onReady()
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await server.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            server.close(promise: nil)
        }
        for channel in connections.shutdownAll() { try? await channel.closeFuture.get() }
        unlink(path)
    }
}

/// The open IPC connections, so shutdown can reach each.
final class IPCConnections: Sendable {
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        open.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in self?.open.withLock { _ = $0.removeValue(forKey: key) } }
    }

    /// Sends ``IPCShutdownEvent`` down every connection (each answers its open conversations and closes);
    /// returns them.
    func shutdownAll() -> [any Channel] {
        let channels = open.withLock { Array($0.values) }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(IPCShutdownEvent()) }
        return channels
    }
}
