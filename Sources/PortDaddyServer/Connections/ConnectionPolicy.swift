import Foundation
import HTTPTypes
import NIOCore
import PortDaddyAPI
import PortDaddySystem
import Synchronization

/// The rules every connection to one listener (the HTTP port, the Unix socket, the name proxy) is held to: the
/// daemon is one user's, a connection from another local user is refused; at most `maxConnections` at once; a
/// request head must arrive within `headTimeout` of its first byte.
final class ConnectionPolicy: Sendable {
    /// Which listener, for messages.
    let name: String
    /// The daemon's own user: the only one served (unless `shared`).
    let ownerUID: UInt32
    /// `PORT_DADDY_SHARED=1`: other local users are served too (writes and private reads then need the token).
    let shared: Bool
    let token: String
    let maxConnections: Int
    /// nil: no head timer (the proxy, which passes bytes through without parsing them).
    let headTimeout: TimeAmount?
    /// Look up who owns TCP connections (off: every TCP peer is unidentified, as on macOS; for diagnosis and tests).
    let identifiesTCPPeers: Bool
    /// How long a new connection may stay silent before it is closed (every listener, the proxy included).
    let firstByteTimeout: TimeAmount
    private let open = Atomic<Int>(0)

    init(
        name: String, ownerUID: UInt32, shared: Bool, token: String, maxConnections: Int, headTimeout: TimeAmount? = .seconds(10),
        firstByteTimeout: TimeAmount = .seconds(10), identifiesTCPPeers: Bool = true
    ) {
        self.identifiesTCPPeers = identifiesTCPPeers
        self.firstByteTimeout = firstByteTimeout
        self.name = name
        self.ownerUID = ownerUID
        self.shared = shared
        self.token = token
        self.maxConnections = maxConnections
        self.headTimeout = headTimeout
    }

    /// Counts a new connection; false when the listener is full (the caller refuses it and still calls `leave`).
    func enter() -> Bool { open.add(1, ordering: .relaxed).newValue <= maxConnections }

    func leave() { open.subtract(1, ordering: .relaxed) }

    /// Connections open right now.
    var openConnections: Int { open.load(ordering: .relaxed) }
}

/// Who is at the other end of a connection.
enum PeerIdentity: Equatable {
    /// The daemon's own user.
    case owner
    /// Another local user.
    case foreign(UInt32)
    /// Could not be told (no sock_diag, no /proc, not Linux): the token decides.
    case unknown

    /// Looks the peer up: SO_PEERCRED on the Unix socket, the kernel's socket table for loopback TCP. Where the
    /// socket's peer cannot be asked (not Linux), the socket file's own mode (0600 in a 0700 dir) is the check, and
    /// the peer counts as the owner, as it always did.
    static func of(_ channel: any Channel, owner: UInt32, identifyTCP: Bool = true) -> PeerIdentity {
        if case .unixDomainSocket = channel.localAddress {
            guard let uid = unixPeer(channel) else { return .owner }
            return uid == owner ? .owner : .foreign(uid)
        }
        guard identifyTCP, let uid = tcpPeer(channel) else { return .unknown }
        return uid == owner ? .owner : .foreign(uid)
    }

    private static func unixPeer(_ channel: any Channel) -> UInt32? {
        guard let option = PeerCredentials.peerCredentialOption, let provider = channel as? any SocketOptionProvider else { return nil }
        // On the channel's own event loop this completes at once.
        let uid = Mutex<UInt32?>(nil)
        provider.unsafeGetSocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: option))
            .whenSuccess { (record: PeerCredentialRecord) in uid.withLock { $0 = record.uid } }
        return uid.withLock { $0 }
    }

    private static func tcpPeer(_ channel: any Channel) -> UInt32? {
        guard let local = channel.localAddress, let remote = channel.remoteAddress else { return nil }
        return local.withSockAddr { localAddress, _ in
            remote.withSockAddr { remoteAddress, _ in PeerCredentials.tcpPeerUID(local: localAddress, remote: remoteAddress) }
        }.map { UInt32($0) }
    }
}

/// A complete HTTP/1.1 error answer with a JSON `{error, code}` body, for refusing a connection before (or
/// instead of) routing it.
enum RawRefusal {
    static func response(code: ErrorCode, message: String) -> String {
        let status = code.status
        let body = self.body(code: code, message: message)
        return
            "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nContent-Type: application/json\r\nContent-Length: "
            + "\(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    }

    /// The `{error, code}` body every error answer has.
    static func body(code: ErrorCode, message: String) -> String {
        String(decoding: (try? JSONEncoder().encode(ErrorBody(error: message, code: code))) ?? Data(), as: UTF8.self)
    }

    static func foreignUser(_ uid: UInt32, policy: ConnectionPolicy) -> String {
        response(
            code: .foreignUser,
            message: "this Port Daddy belongs to uid \(policy.ownerUID); uid \(uid) may not use it (run your own: pd start)")
    }

    static func full(_ policy: ConnectionPolicy) -> String {
        response(
            code: .tooManyConnections,
            message: "the \(policy.name) has \(policy.maxConnections) connections open; try again (the Unix socket keeps its own room)")
    }

    static let headTimeout = response(
        code: .requestTimeout, message: "the request head did not arrive in time")
}
