import NIOCore
import PortDaddySystem
import Synchronization

/// The PID of the process at the other end of a Unix socket connection (SO_PEERCRED), for the arbiter's check of a
/// PID a claim or lock names; nil over TCP or where the kernel cannot say.
enum PeerProcess {
    static func pid(of context: PDRequestContext) async -> Int32? {
        guard context.viaUnixSocket, let option = PeerCredentials.peerCredentialOption,
            let provider = context.channel as? any SocketOptionProvider
        else { return nil }
        let record: PeerCredentialRecord? = try? await provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: option)
        ).get()
        return record.flatMap { $0.pid > 0 ? Int32($0.pid) : nil }
    }

    /// The same, on the channel's own event loop (where reading the option completes at once).
    static func pidOnLoop(_ channel: any Channel) -> Int32? {
        guard case .unixDomainSocket = channel.localAddress, let option = PeerCredentials.peerCredentialOption,
            let provider = channel as? any SocketOptionProvider
        else { return nil }
        let pid = Mutex<Int32?>(nil)
        provider.unsafeGetSocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: option))
            .whenSuccess { (record: PeerCredentialRecord) in pid.withLock { $0 = record.pid > 0 ? Int32(record.pid) : nil } }
        return pid.withLock { $0 }
    }
}
