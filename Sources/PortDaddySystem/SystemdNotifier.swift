#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The daemon's side of systemd's notify protocol (`Type=notify`, `WatchdogSec=`): one datagram per state change
/// (`READY=1`, `WATCHDOG=1`, `STOPPING=1`) to the Unix datagram socket named by `NOTIFY_SOCKET` (a path, or an
/// abstract name starting with `@`). Present only when systemd (or a stand-in) set `NOTIFY_SOCKET`.
public struct SystemdNotifier: Sendable {
    /// The socket's address bytes: the path, or for an abstract name a NUL followed by the name.
    let address: [UInt8]
    /// How often to send `WATCHDOG=1` in seconds (half of `WATCHDOG_USEC`), or `nil` without a watchdog for this
    /// process.
    public let watchdogSeconds: Double?

    /// The environment variables systemd sets for a notifying service.
    public static let variables = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` and removes them from the environment, so the
    /// processes the daemon starts do not notify in its name. `nil` without `NOTIFY_SOCKET`.
    public static func fromEnvironment(pid: Int32 = getpid()) -> SystemdNotifier? {
        func take(_ name: String) -> String? {
            guard let raw = getenv(name) else { return nil }
            let value = String(cString: raw)
            unsetenv(name)
            return value.isEmpty ? nil : value
        }
        let socket = take("NOTIFY_SOCKET"), usec = take("WATCHDOG_USEC").flatMap { UInt64($0) }, owner = take("WATCHDOG_PID")
        guard let socket else { return nil }
        return SystemdNotifier(socket: socket, watchdogMicroseconds: owner == nil || owner == String(pid) ? usec : nil)
    }

    /// A notifier for `socket` (`NOTIFY_SOCKET`'s form); a watchdog pinging every half of `watchdogMicroseconds`.
    public init?(socket: String, watchdogMicroseconds: UInt64?) {
        var bytes = Array(socket.utf8)
        guard bytes.first == UInt8(ascii: "/") || bytes.first == UInt8(ascii: "@") else { return nil }
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }
        address = bytes
        watchdogSeconds = watchdogMicroseconds.flatMap { $0 > 0 ? Double($0) / 2_000_000 : nil }
    }

    /// Sends one notification (e.g. `READY=1`); `false` when it could not be sent (systemd ignores nothing else).
    @discardableResult
    public func send(_ state: String) -> Bool {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        guard address.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: address) }
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // An abstract name's length counts exactly (no terminating NUL); a path's may include the rest of sun_path.
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + address.count)
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &addr) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddr in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sockaddr, length) }
            }
        }
        return sent == message.count
    }
}
