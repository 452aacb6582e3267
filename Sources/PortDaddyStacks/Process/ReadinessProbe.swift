import Dispatch
import PortDaddyCore
import PortDaddyStackConfig
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a service proves it is ready.
public enum ReadinessCheck: Sendable, Equatable {
    /// `GET http://localhost:<port><path>` answers 2xx (tried on 127.0.0.1, then ::1).
    case http(port: Int, path: String)
    /// The command (no shell) exits 0.
    case command(LaunchSpec)
    /// Something accepts connections on the port.
    case listening(port: Int)
    /// The port is bound by someone (a bind test: no connection, nothing in the server's log).
    case bound(port: Int)
    /// Nothing to check: ready once started.
    case started

    public var description: String {
        switch self {
        case .http(let port, let path): return "GET http://localhost:\(port)\(path) → 2xx"
        case .command(let spec): return "\(([spec.executable] + spec.arguments).joined(separator: " ")) exits 0"
        case .listening(let port): return "port \(port) listening"
        case .bound(let port): return "port \(port) still bound"
        case .started: return "started"
        }
    }
}

/// The result of one check: whether it passed, and what was seen when it did not (for the user's error).
public struct ProbeOutcome: Sendable, Equatable {
    public var passed: Bool
    /// What the server or command did instead, e.g. "answered 404 Not Found".
    public var observed: String?

    public static let pass = ProbeOutcome(passed: true, observed: nil)
    public static func fail(_ observed: String?) -> ProbeOutcome { ProbeOutcome(passed: false, observed: observed) }
}

/// Runs readiness checks off the concurrency pool (they block on sockets for up to a second).
public enum ReadinessProbe {
    /// How long a `healthCmd` probe may run.
    public static let commandTimeout = Duration.seconds(10)

    /// Runs the check once: whether it passes, and what was seen when it does not. A command probe may run for
    /// `limit` (at most `commandTimeout`); `handle` lets the supervisor kill it early (the service is being stopped).
    public static func run(_ check: ReadinessCheck, limit: Duration = commandTimeout, handle: ProbeHandle? = nil) async -> ProbeOutcome {
        switch check {
        case .started: return .pass
        case .command(let spec):
            let child: LaunchedProcess
            do { child = try ProcessLauncher.launch(spec) } catch { return .fail(error.description) }
            handle?.started(child.pid)
            // A probe that hangs is a failed probe: it gets its time, then its process group is killed.
            let killer = Task {
                try await Task.sleep(for: min(limit, commandTimeout))
                _ = kill(-child.pid, SIGKILL)
            }
            let status = await ChildExit.wait(child.pid)
            handle?.started(nil)
            killer.cancel()
            return status.succeeded ? .pass : .fail("exited \(status)")
        case .http(let port, let path):
            return await offPool { http(port: port, path: path) }
        case .listening(let port):
            return await offPool { connect(port: port).map { close($0) } != nil ? .pass : .fail("nothing accepts connections") }
        case .bound(let port):
            return await offPool { SystemPortProber().isFree(port) ? .fail("nothing listens on the port any more") : .pass }
        }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }

    /// A connected socket to localhost:`port` (IPv4 first, then IPv6), or `nil`.
    static func connect(port: Int) -> Int32? {
        connect4(port) ?? connect6(port)
    }

    /// `GET path`: passes on 2xx; otherwise says what the server answered (its status line).
    static func http(port: Int, path: String) -> ProbeOutcome {
        guard let fd = connect(port: port) else { return .fail("nothing accepts connections") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost:\(port)\r\nUser-Agent: port-daddy-health\r\nConnection: close\r\n\r\n".utf8)
        let sent = request.withUnsafeBytes { sendNoSignal(fd, $0.baseAddress, $0.count) }
        guard sent == request.count else { return .fail("the connection closed before the request was sent") }
        var buffer = [UInt8](repeating: 0, count: 64)
        var got = 0
        while got < 12 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, $0.count - got, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            got += n
        }
        // "HTTP/1.x 2xx"
        guard got >= 12, buffer[0..<5].elementsEqual("HTTP/".utf8) else {
            return .fail(got == 0 ? "no answer within 1s" : "an answer that is not HTTP")
        }
        let ok = buffer[9] == UInt8(ascii: "2")
        let statusLine = String(decoding: buffer[9..<got].prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        // Read the rest (up to 64 KiB, briefly: a server that ignores Connection: close must not slow every
        // probe) before closing: closing with unread data resets the connection, and servers log the reset.
        var brief = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &brief, socklen_t(MemoryLayout<timeval>.size))
        var drained = 0
        var sink = [UInt8](repeating: 0, count: 4096)
        while drained < 65536 {
            let n = sink.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            drained += n
        }
        return ok ? .pass : .fail("answered \(statusLine)")
    }

    static func sendNoSignal(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            return send(fd, bytes, count, Int32(MSG_NOSIGNAL))
        #else
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            return send(fd, bytes, count, 0)
        #endif
    }

    static func streamSocket(_ family: Int32) -> Int32 {
        #if canImport(Glibc)
            return socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            return socket(family, SOCK_STREAM, 0)
        #endif
    }

    static func sysConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        #if canImport(Glibc)
            return Glibc.connect(fd, address, length)
        #else
            return Darwin.connect(fd, address, length)
        #endif
    }

    static func connect4(_ port: Int) -> Int32? {
        let fd = streamSocket(AF_INET)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sysConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc == 0 { return fd }
        close(fd)
        return nil
    }

    static func connect6(_ port: Int) -> Int32? {
        let fd = streamSocket(AF_INET6)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(port).bigEndian)
        address.sin6_addr = in6addr_loopback
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sysConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
        if rc == 0 { return fd }
        close(fd)
        return nil
    }
}

/// The command probe a service is running, so that stopping the service can kill it at once.
public final class ProbeHandle: Sendable {
    private let pid = Mutex<Int32?>(nil)

    public init() {}

    func started(_ value: Int32?) { pid.withLock { $0 = value } }

    /// Kills the running probe's process group, if one runs.
    public func kill() {
        pid.withLock { value in
            if let value { _ = sysKill(-value, SIGKILL) }
        }
    }
}

@inline(__always)
private func sysKill(_ pid: Int32, _ signal: Int32) -> Int32 {
    #if canImport(Glibc)
        return Glibc.kill(pid, signal)
    #else
        return Darwin.kill(pid, signal)
    #endif
}
