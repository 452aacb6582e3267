import CPortDaddySystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who is at the other end of a local connection.
public enum PeerCredentials {
    /// The UID owning the client socket of a loopback TCP connection, given our socket's local and remote
    /// addresses (kernel sock_diag for the exact 4-tuple, else /proc/net/tcp); nil when it cannot be told.
    public static func tcpPeerUID(local: UnsafePointer<sockaddr>, remote: UnsafePointer<sockaddr>) -> uid_t? {
        var uid: UInt32 = 0
        return pd_tcp_peer_uid(local, remote, &uid) == 0 ? uid_t(uid) : nil
    }

    /// The UID of the peer of a connected Unix socket, or nil.
    public static func unixPeerUID(descriptor: Int32) -> uid_t? {
        var uid: UInt32 = 0
        return pd_unix_peer_uid(descriptor, &uid) == 0 ? uid_t(uid) : nil
    }

    /// This process's real UID.
    public static var ownUID: uid_t { getuid() }
}

/// Linux's `struct ucred`, as SO_PEERCRED returns it.
public typealias PeerCredentialRecord = pd_ucred

extension PeerCredentials {
    /// SO_PEERCRED on Linux; nil where the option does not exist.
    public static var peerCredentialOption: Int32? {
        let value = pd_so_peercred()
        return value < 0 ? nil : value
    }
}
