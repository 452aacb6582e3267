import PortDaddyAPI
import PortDaddyCore

/// Where a proxied request goes, decided from its `Host` alone, the same way for HTTP/1.1, HTTPS and HTTP/2.
enum ProxyRoute {
    /// Forward to `address:port`; `downPage` answers when nothing accepts connections there.
    case backend(address: String, port: Int, downPage: String)
    /// Refuse with this status line and page (421 for a foreign name, 404 for an unknown one of ours).
    case refuse(status: String, page: String)

    /// The status code of a refusal, or `nil` for a backend.
    var statusCode: Int? {
        guard case .refuse(let status, _) = self else { return nil }
        return Int(status.prefix(3))
    }
}

/// The proxy's routing rules: the dashboard's reserved name, claimed names, unknown names of ours (404 with the
/// list), and foreign names (421 with how to use a name, nothing said of what is claimed: DNS rebinding to the proxy
/// port learns nothing).
struct ProxyRouter: Sendable {
    let claims: ClaimService
    let domains: [String]
    let dashboard: DashboardTarget?

    func route(host rawHost: String, scheme: String, proxyPort: Int) -> ProxyRoute {
        let host = ProxyRequestHead.stripPort(rawHost)
        if let dashboard, DashboardTarget.isDashboard(host) {
            return .backend(
                address: dashboard.address, port: dashboard.port(), downPage: ProxyPages.simple("Port Daddy's dashboard is not answering"))
        }
        if let identity = domains.lazy.compactMap({ HostNames.identity(of: host, domain: $0) }).first,
            let status = claims.status(of: identity)
        {
            let port = status.claim.port
            return .backend(
                address: "127.0.0.1", port: port,
                downPage: ProxyPages.down(identity: identity.description, port: port, state: status.state.rawValue))
        }
        guard Self.isOurs(host, domains) else {
            return .refuse(status: "421 Misdirected Request", page: ProxyPages.misdirected(domains: domains, proxyPort: proxyPort, scheme: scheme))
        }
        let names = claims.statuses().map { HostNames.name(of: $0.claim.identity) }.filter { !DashboardTarget.isDashboard($0) }
        return .refuse(
            status: "404 Not Found",
            page: ProxyPages.unknown(host: host, known: names, proxyPort: proxyPort, dashboard: dashboard != nil, scheme: scheme))
    }

    /// Whether `host` is one of our domains or a name under one (case and a trailing dot ignored).
    static func isOurs(_ host: String, _ domains: [String]) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return domains.contains { name == $0 || name.hasSuffix("." + $0) }
    }
}
