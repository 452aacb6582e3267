/// How identities become host names: `myapp` → `myapp.<domain>`, `myapp:api` → `api.myapp.<domain>`,
/// `myapp:api:feature-x` → `feature-x.api.myapp.<domain>`. Segments are already valid DNS labels.
public enum HostNames {
    /// The name browsers and systemd-resolved send to loopback with no setup at all.
    public static let localhostDomain = "localhost"

    /// Whether `domain` is one or more DNS labels of `[a-z0-9-]`.
    public static func isValidDomain(_ domain: String) -> Bool {
        let labels = domain.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && domain.utf8.count <= 200
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            }
    }

    /// The host name of an identity under `domain`.
    public static func name(of identity: Identity, domain: String = localhostDomain) -> String {
        (identity.segments.reversed() + [domain]).joined(separator: ".")
    }

    /// The proxy URL of an identity (`http://api.myapp.localhost:1380`, no port when the proxy is on 80).
    public static func url(of identity: Identity, proxyPort: Int, domain: String = localhostDomain) -> String {
        let host = name(of: identity, domain: domain)
        return proxyPort == 80 ? "http://\(host)" : "http://\(host):\(proxyPort)"
    }

    /// The identity a host name under `domain` stands for, or `nil` when it is not under the domain or not a
    /// valid identity. Case-insensitive; a trailing dot is ignored.
    public static func identity(of host: String, domain: String = localhostDomain) -> Identity? {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let suffix = "." + domain.lowercased()
        guard name.hasSuffix(suffix) else { return nil }
        let labels = name.dropLast(suffix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.isEmpty, labels.count <= 3 else { return nil }
        return try? Identity(parsing: labels.reversed().joined(separator: ":"))
    }
}
