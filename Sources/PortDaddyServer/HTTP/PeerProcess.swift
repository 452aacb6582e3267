import NIOCore
import PortDaddySystem

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
}
