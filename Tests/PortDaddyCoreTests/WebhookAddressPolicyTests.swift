import PortDaddyAPI
import Testing

@testable import PortDaddyCore

@Suite("Webhook address policy")
struct WebhookAddressPolicyTests {
    @Test(
        "addresses are classed by range, IPv4-mapped and NAT64 IPv6 by the IPv4 address they carry",
        arguments: [
            ("127.0.0.1", WebhookAddressClass.loopback), ("127.8.9.10", .loopback), ("::1", .loopback), ("[::1]", .loopback),
            ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
            ("fd00:ec2::254", .linkLocal), ("::ffff:169.254.169.254", .linkLocal), ("64:ff9b::a9fe:a9fe", .linkLocal),
            ("10.0.0.1", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
            ("192.168.1.1", .privateNetwork), ("100.64.0.1", .privateNetwork), ("fd12:3456::1", .privateNetwork),
            ("fc00::1", .privateNetwork), ("::ffff:10.1.2.3", .privateNetwork),
            ("0.0.0.0", .special), ("::", .special), ("224.0.0.1", .special), ("255.255.255.255", .special), ("ff02::1", .special),
            ("192.0.2.7", .special), ("2001:db8::1", .special), ("::7f00:1", .special),
            ("93.184.216.34", .public), ("172.32.0.1", .public), ("100.128.0.1", .public), ("8.8.8.8", .public),
            ("2606:4700::1111", .public), ("::ffff:8.8.8.8", .public),
        ] as [(String, WebhookAddressClass)])
    func classifies(address: String, expected: WebhookAddressClass) {
        #expect(WebhookAddressPolicy.classify(address) == expected)
    }

    @Test("names and junk are not addresses", arguments: ["localhost", "example.com", "1.2.3", "fe80::1%eth0", "", "::g"])
    func notAddresses(text: String) {
        #expect(WebhookAddressPolicy.classify(text) == nil)
    }

    @Test("loopback over http or https; public over https only; private only when allowed; link-local and metadata never")
    func policy() throws {
        try WebhookAddressPolicy.check(scheme: "http", host: "127.0.0.1", addresses: ["127.0.0.1"], allowPrivate: false)
        try WebhookAddressPolicy.check(scheme: "https", host: "localhost", addresses: ["127.0.0.1", "::1"], allowPrivate: false)
        try WebhookAddressPolicy.check(scheme: "https", host: "example.com", addresses: ["93.184.216.34"], allowPrivate: false)
        try WebhookAddressPolicy.check(scheme: "http", host: "10.0.0.1", addresses: ["10.0.0.1"], allowPrivate: true)
        let refusals: [(String, String, [String], Bool, String)] = [
            ("http", "example.com", ["93.184.216.34"], false, "use https"),
            ("https", "10.0.0.1", ["10.0.0.1"], false, "--allow-private"),
            ("https", "169.254.169.254", ["169.254.169.254"], true, "link-local"),
            ("https", "metadata.example", ["169.254.169.254"], true, "metadata.example (169.254.169.254) is link-local"),
            ("https", "fd00:ec2::254", ["fd00:ec2::254"], true, "link-local"),
            ("https", "0.0.0.0", ["0.0.0.0"], true, "never"),
            // One refused address refuses the name, whatever the others are (a resolver may mix them).
            ("https", "mixed.example", ["93.184.216.34", "10.1.1.1"], false, "--allow-private"),
            ("https", "gone.example", [], true, "no address"),
        ]
        for (scheme, host, addresses, allowPrivate, why) in refusals {
            do {
                try WebhookAddressPolicy.check(scheme: scheme, host: host, addresses: addresses, allowPrivate: allowPrivate)
                Issue.record("\(scheme)://\(host) \(addresses) was allowed")
            } catch {
                #expect(error.code == .webhookAddressRefused && error.description.contains(why), "\(host): \(error)")
            }
        }
    }

    @Test("URLs: http or https with a host, no credentials; IPv6 literals lose their brackets")
    func targets() throws {
        let v6 = try WebhookTarget(parsing: "http://[::1]:8080/hook")
        #expect(v6.host == "::1" && v6.isLiteral && v6.scheme == "http")
        let named = try WebhookTarget(parsing: "HTTPS://Hooks.Example.com/x?y=1")
        #expect(named.host == "hooks.example.com" && !named.isLiteral && named.scheme == "https")
        for bad in ["ftp://example.com/", "example.com/hook", "https://user:pw@example.com/", "http:///nohost", "https://x.example/#frag"] {
            #expect(throws: PortDaddyError.self, "\(bad)") { try WebhookTarget(parsing: bad) }
        }
    }

    @Test("registration checks literal addresses before anything is stored, and names through the resolver")
    func registration() throws {
        let h = Harness()
        defer { h.cleanup() }
        let service = try WebhookService(store: try h.store(), clock: h.clock)
        let refuse: [(String, Bool)] = [
            ("http://169.254.169.254/latest/meta-data", true), ("https://10.0.0.1/hook", false), ("http://8.8.8.8/hook", false),
        ]
        for (url, allowPrivate) in refuse {
            #expect(throws: PortDaddyError.self, "\(url)") {
                try service.add(WebhookAddRequest(url: url, events: ["*"], allowPrivate: allowPrivate)) { _ in
                    Issue.record("a literal address was resolved")
                    return []
                }
            }
        }
        #expect(throws: PortDaddyError.self) {
            try service.add(WebhookAddRequest(url: "https://rebind.example/hook", events: ["*"])) { _ in ["169.254.169.254"] }
        }
        // Other spellings of the metadata address are names to the URL parser; the system resolver turns them into
        // 169.254.169.254, which the policy refuses.
        #expect(HostResolver.addresses(of: "0xa9fea9fe") == ["169.254.169.254"])
        for url in ["http://0xa9fea9fe/latest", "http://2852039166/latest", "https://169.254.43518/x"] {
            #expect(throws: PortDaddyError.self, "\(url)") { try service.add(WebhookAddRequest(url: url, events: ["*"])) }
        }
        #expect(try service.list().isEmpty)
        let made = try service.add(WebhookAddRequest(url: "https://10.0.0.1/hook", events: ["claim.*"], allowPrivate: true))
        #expect(made.secret?.count == 64 && made.webhook.allowPrivate)
        let given = try service.add(WebhookAddRequest(url: "http://127.0.0.1:9/x", events: ["lock.*"], secret: "a-secret-of-sixteen+"))
        #expect(given.secret == nil)
        #expect(try service.list().map(\.id) == [made.webhook.id, given.webhook.id])
    }
}
