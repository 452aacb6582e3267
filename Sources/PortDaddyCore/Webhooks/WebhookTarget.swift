import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A webhook URL, taken apart: `http` or `https`, a host (a name or an IP literal), no credentials.
public struct WebhookTarget: Sendable, Equatable {
    public let url: String
    public let scheme: String
    /// The host without IPv6 brackets.
    public let host: String

    public init(parsing raw: String) throws(PortDaddyError) {
        let text = raw.trimmingWhitespace()
        guard text.utf8.count <= 2048, let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
            let host = parts.host, !host.isEmpty
        else { throw .invalidRequest("\"\(raw)\" is not a URL (http://HOST[:PORT]/PATH or https://…)") }
        guard scheme == "http" || scheme == "https" else { throw .invalidRequest("a webhook URL is http:// or https://, not \(scheme)://") }
        guard parts.user == nil && parts.password == nil else {
            throw .invalidRequest("a webhook URL may not carry credentials (they would show in pd webhooks); the signature authenticates")
        }
        guard parts.fragment == nil else { throw .invalidRequest("a webhook URL has no #fragment") }
        self.url = text
        self.scheme = scheme
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.host = bare.lowercased()
    }

    /// Whether the host is an IP literal (nothing to resolve).
    public var isLiteral: Bool { WebhookAddressPolicy.classify(host) != nil }
}

/// Resolves host names with the system resolver (blocking: call it off the event loops).
public enum HostResolver {
    /// The numeric addresses of `host` (itself when it is an IP literal), IPv4 first, without duplicates; empty when it
    /// does not resolve.
    public static func addresses(of host: String) -> [String] {
        if WebhookAddressPolicy.classify(host) != nil { return [host] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var v4: [String] = []
        var v6: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = entry.pointee.ai_addr,
                getnameinfo(address, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
            {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if entry.pointee.ai_family == AF_INET {
                    if !v4.contains(text) { v4.append(text) }
                } else if !v6.contains(text) {
                    v6.append(text)
                }
            }
            node = entry.pointee.ai_next
        }
        return v4 + v6
    }
}
