import PortDaddyAPI
import PortDaddySystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Asks the OS about TCP ports.
public protocol PortProber: Sendable {
    /// Whether nothing on the machine is bound to `port` (tested by binding it, IPv4 and IPv6 wildcard).
    func isFree(_ port: Int) -> Bool
    /// Whether `port` is free, taken, or could not be tested (and why).
    func probe(_ port: Int) -> PortProbe
    /// Ports that have a socket in the LISTEN state.
    func listeningPorts() -> Set<Int>
    /// The process listening on `port`, where the OS tells.
    func listenerPID(of port: Int) -> Int32?
    /// Which of `ports` something listens on (cheaper than `listeningPorts()` for a few ports).
    func listening(among ports: [Int]) -> Set<Int>
}

/// The outcome of test-binding a port.
public enum PortProbe: Sendable, Equatable {
    case free
    case taken
    /// The test itself failed (no descriptor, no memory): says nothing about the port.
    case failed(errno: Int32)
}

extension PortProber {
    public func probe(_ port: Int) -> PortProbe { isFree(port) ? .free : .taken }

    public func listening(among ports: [Int]) -> Set<Int> {
        listeningPorts().intersection(ports)
    }
}

/// The real OS.
public struct SystemPortProber: PortProber {
    public init() {}

    public func isFree(_ port: Int) -> Bool { probe(port) == .free }

    public func probe(_ port: Int) -> PortProbe {
        guard PortNumber.range.contains(port) else { return .taken }
        let v4 = SystemPortProber.bindTest(port: port, family: AF_INET)
        guard v4 == .free else { return v4 }
        return SystemPortProber.bindTest(port: port, family: AF_INET6)
    }

    static func canBind(port: Int, family: Int32) -> Bool { bindTest(port: port, family: family) == .free }

    /// Binds a TCP socket to the wildcard address of `family` with SO_REUSEADDR, as servers do, so a port in
    /// TIME_WAIT after its server stopped still counts as free but a bound or listening one does not.
    static func bindTest(port: Int, family: Int32) -> PortProbe {
        #if canImport(Glibc)
            let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(family, SOCK_STREAM, 0)
        #endif
        if fd < 0 {
            // No IPv6 on this machine: nothing can be bound there either.
            if family == AF_INET6 && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT) { return .free }
            return .failed(errno: errno)
        }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr = in_addr(s_addr: 0)
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            return ok ? .free : outcome(ofFailedBind: errno)
        } else {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            addr.sin6_addr = in6addr_any
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
                }
            }
            // An address family the kernel has disabled cannot be bound by anyone.
            return ok || errno == EADDRNOTAVAIL ? .free : outcome(ofFailedBind: errno)
        }
    }

    /// In use (or not ours to bind) means taken; anything else means the test could not be made.
    static func outcome(ofFailedBind code: Int32) -> PortProbe {
        code == EADDRINUSE || code == EACCES || code == EPERM ? .taken : .failed(errno: code)
    }

    public func listeningPorts() -> Set<Int> {
        #if os(Linux)
            var ports = Set<Int>()
            for entry in ProcNetTCP.listeners() { ports.insert(entry.port) }
            return ports
        #else
            return LsofListeners.listeningPorts()
        #endif
    }

    /// For a few ports, a bind test each (microseconds): a port that cannot be bound is held by a listener (or,
    /// rarely, a bound socket that does not listen). Reading the socket table costs milliseconds on some
    /// kernels (4 ms per file on this project's build machine), so it is kept for many ports and the reaper.
    public func listening(among ports: [Int]) -> Set<Int> {
        guard ports.count <= 32 else { return listeningPorts().intersection(ports) }
        return Set(ports.filter { !isFree($0) })
    }

    public func listenerPID(of port: Int) -> Int32? {
        #if os(Linux)
            let inodes = Set(ProcNetTCP.listeners().filter { $0.port == port }.map(\.inode))
            guard !inodes.isEmpty else { return nil }
            return ProcNetTCP.pid(owningAnyOf: inodes)
        #else
            return LsofListeners.pid(listeningOn: port)
        #endif
    }
}
