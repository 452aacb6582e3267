/// The proxy's own small pages.
enum ProxyPages {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func page(_ title: String, _ body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="color-scheme" content="light dark">
        <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{font-size:.95em}</style>
        </head><body><h1>\(escape(title))</h1>\(body)</body></html>
        """
    }

    static func simple(_ title: String) -> String { page(title, "") }

    /// The 404 page for a name of ours that nothing claims, linking the known names with the request's `scheme`.
    static func unknown(host: String, known: [String], proxyPort: Int, dashboard: Bool = false, scheme: String = "http") -> String {
        let suffix = proxyPort == (scheme == "https" ? 443 : 80) ? "" : ":\(proxyPort)"
        let list =
            known.isEmpty
            ? "<p>Nothing is claimed yet: <code>pd claim myapp:web</code>.</p>"
            : "<ul>" + known.map { "<li><a href=\"\(scheme)://\(escape($0))\(suffix)/\">\(escape($0))</a></li>" }.joined() + "</ul>"
        let panel =
            dashboard
            ? "<p>Port Daddy's own dashboard: <a href=\"\(scheme)://\(DashboardTarget.host)\(suffix)/\">\(DashboardTarget.host)</a>.</p>" : ""
        return page("No service named \(host)", "<p>Port Daddy knows these names:</p>\(list)\(panel)")
    }

    /// For a Host that is none of ours (an IP, another domain, DNS rebinding): how to reach a service by name,
    /// and nothing about what is claimed.
    static func misdirected(domains: [String], proxyPort: Int, scheme: String = "http") -> String {
        let suffix = proxyPort == 80 ? "" : ":\(proxyPort)"
        let examples = domains.map { "<code>\(scheme)://api.myapp.\(escape($0))\(suffix)/</code>" }.joined(separator: " or ")
        return page(
            "This is Port Daddy's name proxy",
            "<p>It routes by host name only. Open a service by its name, e.g. \(examples) for the identity <code>myapp:api</code>; "
                + "<code>pd url &lt;identity&gt;</code> prints the address of a claim.</p>"
        )
    }

    static func down(identity: String, port: Int, state: String) -> String {
        page(
            "\(identity) is not answering",
            "<p><code>\(escape(identity))</code> holds port \(port), but nothing accepts connections there (state: "
                + "<strong>\(escape(state))</strong>). Start its server, e.g. <code>pd run \(escape(identity)) -- npm run dev</code>.</p>"
        )
    }
}
