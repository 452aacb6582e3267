/// The HTTP methods the daemon serves.
public enum APIMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
}

/// One route of the daemon's API, declared once: method, path template, request and response types.
///
/// The template uses Hummingbird's `:parameter` syntax (`/locks/:name`), so the server can register from it;
/// ``path(_:query:)`` fills the parameters in, percent-escaped.
public struct APIRoute<Request: Sendable, Response: Sendable>: Sendable {
    public let method: APIMethod
    public let template: String
    /// One line on what the route does (for the route list and, later, OpenAPI).
    public let summary: String
    /// The query parameters the route reads, by name.
    public let query: [String]

    public init(_ method: APIMethod, _ template: String, query: [String] = [], _ summary: String) {
        self.method = method
        self.template = template
        self.query = query
        self.summary = summary
    }

    /// The names of the template's `:parameters`, in order.
    public var parameters: [String] { RoutePath.parameters(of: template) }

    /// The path with `values` for the template's parameters (in order, percent-escaped) and the query items
    /// that have a value (query values percent-escaped, items without a value left out).
    public func path(_ values: String..., query items: [(String, String?)] = []) -> String {
        RoutePath.build(template, values, query: items)
    }

    /// The route without its types, for lists of every route.
    public var erased: AnyAPIRoute {
        AnyAPIRoute(
            method: method, template: template, summary: summary, query: query,
            request: String(describing: Request.self), response: String(describing: Response.self))
    }
}

/// A route of any request and response type: what lists of every route (``Routes/all``) hold.
public struct AnyAPIRoute: Sendable, Hashable, CustomStringConvertible {
    public let method: APIMethod
    public let template: String
    public let summary: String
    public let query: [String]
    /// The request type's name (`NoBody` when the route reads no body).
    public let request: String
    /// The response type's name (`EventStream` for server-sent events, `HTMLPage` for the dashboard).
    public let response: String

    /// The names of the template's `:parameters`, in order.
    public var parameters: [String] { RoutePath.parameters(of: template) }

    public var description: String { "\(method.rawValue) \(template)" }
}

/// The request of a route that reads no body.
public struct NoBody: Codable, Sendable, Equatable {
    public init() {}
}

/// The response of a route that answers with server-sent events (`text/event-stream`).
public enum EventStream: Sendable {}

/// The response of a route that answers with an HTML page.
public enum HTMLPage: Sendable {}

/// The response of a route that answers with one line of `text/plain` (UTF-8).
public enum PlainText: Sendable {}

/// The response of a route whose JSON shape belongs to the page that reads it (the dashboard's state).
public enum PageDocument: Sendable {}

/// Builds and escapes paths from route templates.
public enum RoutePath {
    /// The `:parameter` names of a template, in order.
    public static func parameters(of template: String) -> [String] {
        template.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// Fills a template's parameters with escaped values and appends the query items that have a value.
    public static func build(_ template: String, _ values: [String], query: [(String, String?)]) -> String {
        var remaining = values[...]
        var path = template.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix(":") else { return String(segment) }
            precondition(!remaining.isEmpty, "\(template) needs a value for \(segment)")
            return escapeSegment(remaining.removeFirst())
        }.joined(separator: "/")
        precondition(remaining.isEmpty, "\(template) has fewer parameters than the \(values.count) given")
        let items = query.compactMap { name, value in value.map { name + "=" + escapeQuery($0) } }
        if !items.isEmpty { path += "?" + items.joined(separator: "&") }
        return path
    }

    /// Percent-encodes a path segment: everything but unreserved characters, `:` and `*` (identities and
    /// patterns such as `myapp:*` stay readable in logs).
    public static func escapeSegment(_ text: String) -> String {
        escape(text) { byte in byte == UInt8(ascii: ":") || byte == UInt8(ascii: "*") }
    }

    /// Percent-encodes a query value: everything but unreserved characters (a `,` separates list items).
    public static func escapeQuery(_ text: String) -> String {
        escape(text) { _ in false }
    }

    private static func escape(_ text: String, keeping extra: (UInt8) -> Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where extra(byte):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
