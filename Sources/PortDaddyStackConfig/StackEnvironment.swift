import PortDaddyAPI

/// The variables a stack hands its services: every sibling's `<NAME>_PORT` and `<NAME>_URL` (and
/// `<NAME>_NAMED_URL` when the proxy serves names), plus each service's own `PORT` and `PD_*` variables.
public struct StackEnvironment: Sendable, Equatable {
    /// Shared by every service, in a stable order.
    public var shared: [StackVariable]
    /// Each service's own variables.
    public var own: [String: [StackVariable]]

    /// `api-gateway` → `API_GATEWAY`.
    public static func variablePrefix(of service: String) -> String {
        String(service.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// Builds the bundle. `ports` holds the claimed port of every service that has one; `namedURL` gives the
    /// proxy URL of an identity when names are served; `domains` are the name domains the daemon serves
    /// (`localhost`, and the DNS responder's when it runs), for `PD_HOSTS`.
    public init(
        stackKey: String, identities: [String: Identity], ports: [String: Int], namedURL: (Identity) -> String?,
        domains: [String] = [HostNames.localhostDomain]
    ) {
        var shared: [StackVariable] = []
        for name in identities.keys.sorted() {
            guard let port = ports[name] else { continue }
            let prefix = Self.variablePrefix(of: name)
            shared.append(StackVariable(name: "\(prefix)_PORT", value: String(port)))
            shared.append(StackVariable(name: "\(prefix)_URL", value: "http://localhost:\(port)"))
            if let named = namedURL(identities[name]!) { shared.append(StackVariable(name: "\(prefix)_NAMED_URL", value: named)) }
        }
        var own: [String: [StackVariable]] = [:]
        for (name, identity) in identities {
            var vars = [
                StackVariable(name: "PD_STACK", value: stackKey), StackVariable(name: "PD_SERVICE", value: name),
                StackVariable(name: "PD_IDENTITY", value: identity.description),
                StackVariable(name: "PORT_DADDY_IDENTITY", value: identity.description),
            ]
            if let port = ports[name] {
                vars.insert(StackVariable(name: "PORT", value: String(port)), at: 0)
                if let named = namedURL(identity) { vars.append(StackVariable(name: "PD_URL", value: named)) }
                // Every Host header the service may be reached under, for frameworks that check it (Django's
                // ALLOWED_HOSTS, Vite's server.allowedHosts, Rails' config.hosts).
                let names = domains.map { HostNames.name(of: identity, domain: $0) }
                vars.append(StackVariable(name: "PD_HOSTS", value: (["localhost", "127.0.0.1", "[::1]"] + names).joined(separator: ",")))
            }
            own[name] = vars
        }
        self.shared = shared
        self.own = own
    }

    /// The process environment of `service`: the caller's, then the config's `env`, then ours (ours win, so
    /// `PORT` is always the claimed one).
    public func processEnvironment(for service: String, inherited: [String: String], configured: [String: String]) -> [String: String] {
        var env = inherited
        for (k, v) in configured { env[k] = v }
        for v in shared { env[v.name] = v.value }
        for v in own[service] ?? [] { env[v.name] = v.value }
        return env
    }
}
