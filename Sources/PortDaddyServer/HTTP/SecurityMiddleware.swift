import Hummingbird
import PortDaddyAPI

/// Refuses requests that a web page could have made: a `Host` that is not a loopback name (DNS rebinding)
/// or an `Origin` other than the daemon's own — its TCP address, or `http://dashboard.localhost[:proxy port]`
/// when the reverse proxy runs (the proxy sends that name to the daemon itself and to nothing else, so no
/// claimed service can ever serve a page at that origin). No CORS headers are ever sent.
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = PDRequestContext
    let runtime: ServerRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let host = request.head.authority, !Self.isLoopbackHost(host) {
            return JSONResponse.error(
                code: .forbiddenHost,
                message: "Host \"\(host)\" is not a loopback name; Port Daddy only answers localhost")
        }
        if let origin = request.headers[.origin],
            !Self.isOwnOrigin(origin, port: runtime.tcpPort, proxyPort: runtime.proxyPort, proxyTLS: runtime.configuration.proxyTLS)
        {
            return JSONResponse.error(
                code: .forbiddenOrigin,
                message: "Origin \"\(origin)\" may not call the Port Daddy API")
        }
        return try await next(request, context)
    }

    static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]", "::1"]

    /// The name the reverse proxy reserves for the dashboard (browsers resolve `*.localhost` to loopback
    /// themselves, so a web page cannot rebind it).
    static let dashboardHost = "dashboard." + HostNames.localhostDomain

    /// Whether a `Host` header names this machine's loopback interface (with or without a port).
    /// Parsed strictly: `name[:port]` or `[v6][:port]`, the port all digits, nothing after it.
    static func isLoopbackHost(_ value: String) -> Bool {
        let lowered = value.lowercased()
        var host: Substring
        var port: Substring?
        if lowered.hasPrefix("[") {
            guard let close = lowered.firstIndex(of: "]") else { return false }
            host = lowered[...close]
            let after = lowered[lowered.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return false }
                port = after.dropFirst()
            }
        } else {
            let parts = lowered.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return loopbackNames.contains(lowered) }  // a bare ::1
            host = parts[0]
            port = parts.count == 2 ? parts[1] : nil
        }
        if let port, port.isEmpty || port.count > 5 || !port.allSatisfy({ $0.isASCII && $0.isNumber }) { return false }
        if host.hasSuffix(".") { host.removeLast() }
        return loopbackNames.contains(String(host)) || host == dashboardHost
    }

    /// Whether an `Origin` is the daemon's own HTTP address, or the dashboard's name on the reverse proxy (also
    /// over https when the proxy speaks TLS).
    static func isOwnOrigin(_ origin: String, port: Int, proxyPort: Int? = nil, proxyTLS: Bool = false) -> Bool {
        let lowered = origin.lowercased()
        var own = ["http://localhost:\(port)", "http://127.0.0.1:\(port)", "http://[::1]:\(port)", "http://\(dashboardHost):\(port)"]
        if let proxyPort { own.append(proxyPort == 80 ? "http://\(dashboardHost)" : "http://\(dashboardHost):\(proxyPort)") }
        if let proxyPort, proxyTLS { own.append(proxyPort == 443 ? "https://\(dashboardHost)" : "https://\(dashboardHost):\(proxyPort)") }
        return own.contains(lowered)
    }
}
