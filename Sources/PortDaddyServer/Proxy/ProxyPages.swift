/// The proxy's own small pages.
enum ProxyPages {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func page(_ title: String, _ body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="color-scheme" content="light dark"><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{font-size:.95em}</style>
        </head><body><h1>\(escape(title))</h1>\(body)</body></html>
        """
    }

    static func simple(_ title: String) -> String { page(title, "") }

    /// The 404 page for a name of ours that nothing claims, linking the known names with the request's `scheme`.
    static func unknown(host: String, known: [String], proxyPort: Int, dashboard: Bool = false, scheme: String = "http") -> String {
        let suffix = proxyPort == (scheme == "https" ? 443 : 80) ? "" : ":\(proxyPort)"
        let list = known.isEmpty
            ? "<p>Nothing is claimed yet: <code>pd claim myapp:web</code>.</p>"
            : "<ul>" + known.map { "<li><a href=\"\(scheme)://\(escape($0))\(suffix)/\">\(escape($0))</a></li>" }.joined() + "</ul>"
        let panel = dashboard ? "<p>Port Daddy's own dashboard: <a href=\"\(scheme)://\(DashboardTarget.host)\(suffix)/\">\(DashboardTarget.host)</a>.</p>" : ""
        return page("No service named \(host)", "<p>Port Daddy knows these names:</p>\(list)\(panel)")
    }

    static func down(identity: String, port: Int, state: String) -> String {
        page(
            "\(identity) is not answering",
            "<p><code>\(escape(identity))</code> holds port \(port), but nothing accepts connections there (state: <strong>\(escape(state))</strong>). Start its server, e.g. <code>PORT=$(pd claim \(escape(identity)) -q) npm run dev</code>.</p>")
    }
}
