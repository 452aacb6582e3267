import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What kind of address an IP is, for the webhook address policy.
public enum WebhookAddressClass: String, Sendable, Equatable {
    /// 127.0.0.0/8, ::1.
    case loopback
    /// RFC 1918, 100.64.0.0/10 (CGNAT), 198.18.0.0/15, fc00::/7 (ULA), fec0::/10.
    case privateNetwork = "private"
    /// 169.254.0.0/16 and fe80::/10, where cloud metadata services live (and fd00:ec2::254).
    case linkLocal = "link-local"
    /// Unspecified, multicast, broadcast, reserved and documentation ranges: never a receiver.
    case special
    case `public`
}

/// Which addresses a webhook may reach. Checked at registration and again after resolving the host name, before any
/// packet is sent; the delivery then connects to the address checked (no second resolution).
///
/// - link-local (cloud metadata) and special addresses: always refused;
/// - loopback: allowed, over `http` or `https`;
/// - private ranges: only when the webhook was registered with `allowPrivate`, over `http` or `https`;
/// - public addresses: `https` only.
public enum WebhookAddressPolicy {
    /// The class of an IPv4 or IPv6 literal, or nil when `address` is not one.
    public static func classify(_ address: String) -> WebhookAddressClass? {
        let text = address.hasPrefix("[") && address.hasSuffix("]") ? String(address.dropFirst().dropLast()) : address
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return classify(v4: withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return classify(v6: withUnsafeBytes(of: &v6) { Array($0) })
        }
        return nil
    }

    static func classify(v4 b: [UInt8]) -> WebhookAddressClass {
        switch (b[0], b[1]) {
        case (127, _): return .loopback
        case (169, 254): return .linkLocal
        case (0, _), (224...255, _): return .special
        case (10, _), (172, 16...31), (192, 168), (100, 64...127), (198, 18...19): return .privateNetwork
        case (192, 0) where b[2] == 0 || b[2] == 2: return .special
        case (198, 51) where b[2] == 100: return .special
        case (203, 0) where b[2] == 113: return .special
        default: return .public
        }
    }

    static func classify(v6 b: [UInt8]) -> WebhookAddressClass {
        let head = b[0..<10].allSatisfy { $0 == 0 }
        if head && b[10] == 0xff && b[11] == 0xff { return classify(v4: Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if b[0..<12].allSatisfy({ $0 == 0 }) {
            if b[12..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
            return .special  // ::, and the deprecated IPv4-compatible ::a.b.c.d
        }
        // 64:ff9b::/96 (NAT64) reaches the IPv4 address it embeds.
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..<12].allSatisfy({ $0 == 0 }) {
            return classify(v4: Array(b[12..<16]))
        }
        // fd00:ec2::254, the IPv6 address of EC2's metadata service, sits inside the ULA range.
        let metadata: [UInt8] = [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]
        if b == metadata { return .linkLocal }
        if b[0] == 0xfe && (b[1] & 0xc0) == 0x80 { return .linkLocal }
        if b[0] == 0xfe && (b[1] & 0xc0) == 0xc0 { return .privateNetwork }
        if (b[0] & 0xfe) == 0xfc { return .privateNetwork }
        if b[0] == 0xff { return .special }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return .special }
        return .public
    }

    /// Refuses (`WEBHOOK_ADDRESS_REFUSED`) unless every address in `addresses` may be reached over `scheme`.
    /// `host` names the URL's host in the message.
    public static func check(scheme: String, host: String, addresses: [String], allowPrivate: Bool) throws(PortDaddyError) {
        guard !addresses.isEmpty else { throw .webhookAddressRefused("\(host) has no address to check") }
        for address in addresses {
            let named = address == host ? host : "\(host) (\(address))"
            switch classify(address) {
            case nil:
                throw .webhookAddressRefused("\(address) is not an IP address")
            case .linkLocal?:
                throw .webhookAddressRefused("\(named) is link-local (where cloud metadata services answer): webhooks never go there")
            case .special?:
                throw .webhookAddressRefused("\(named) is an unspecified, multicast, broadcast or reserved address: webhooks never go there")
            case .loopback?:
                continue
            case .privateNetwork?:
                guard allowPrivate else {
                    throw .webhookAddressRefused("\(named) is a private address; allow private ranges for this webhook with --allow-private")
                }
            case .public?:
                guard scheme == "https" else {
                    throw .webhookAddressRefused(
                        "\(named) is a public address: use https (plain http goes to loopback or, allowed, private addresses only)")
                }
            }
        }
    }
}
