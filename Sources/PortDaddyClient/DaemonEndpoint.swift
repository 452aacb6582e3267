import PortDaddyAPI

/// Where a client reaches the daemon.
public enum DaemonEndpoint: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    public var description: String {
        switch self {
        case .unix(let path): return "unix:\(path)"
        case .tcp(let host, let port): return "http://\(host):\(port)"
        }
    }

    /// The endpoint an environment points at: `PORT_DADDY_URL` if set, else the data dir's socket.
    public static func from(_ environment: PortDaddyEnvironment) throws(ClientError) -> DaemonEndpoint {
        guard let url = environment.url else { return .unix(path: environment.socketPath) }
        return try parse(url: url)
    }

    /// Parses `http://host:port` (a trailing path is ignored).
    public static func parse(url: String) throws(ClientError) -> DaemonEndpoint {
        var rest = Substring(url)
        if rest.hasPrefix("http://") {
            rest = rest.dropFirst(7)
        } else if rest.contains("://") {
            throw .invalidURL(url)
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host = String(rest)
        var port = 80
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .invalidURL(url) }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else { throw .invalidURL(url) }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]) else { throw .invalidURL(url) }
            port = p
        }
        guard !host.isEmpty, PortNumber.range.contains(port) else { throw .invalidURL(url) }
        if host == "localhost" { host = "127.0.0.1" }
        return .tcp(host: host, port: port)
    }
}
