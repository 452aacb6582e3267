import Foundation

/// The daemon's OpenAPI 3.1 document, built from the route table (``Routes/all``), the routes that need the user's
/// authority (``Routes/userAuthorityRequired``) and the wire types' schemas (``OpenAPISchemas``). The daemon serves it
/// at `GET /openapi.json`; `pd openapi` prints it, and `docs/openapi.json` is that output, kept current by a test.
public enum OpenAPIDocument {
    /// The name of the security scheme for the user's token (`X-PD-Token`).
    public static let userTokenScheme = "userToken"

    /// The document as a JSON value.
    public static func build(routes: [AnyAPIRoute] = Routes.all) -> JSONValue {
        let trusted = Set(Routes.userAuthorityRequired.map(\.description))
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            paths[openAPIPath(route.template), default: [:]][route.method.rawValue.lowercased()] = operation(
                route, trusted: trusted.contains(route.description))
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Port Daddy daemon API"),
                "version": .string(PortDaddyVersion.current),
                "description": .string(description),
            ]),
            "servers": .array([.object(["url": .string("http://127.0.0.1:9876"), "description": .string("the daemon's default loopback TCP port")])]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(OpenAPISchemas.components(for: routes)),
                "securitySchemes": .object([
                    userTokenScheme: .object([
                        "type": .string("apiKey"), "in": .string("header"), "name": .string("X-PD-Token"),
                        "description": .string("The user's token (~/.port-daddy/token); a request over the Unix socket holds the same authority."),
                    ])
                ]),
            ]),
        ])
    }

    /// The document as the text `docs/openapi.json` holds: pretty-printed with sorted keys, ending in a newline.
    public static func render(routes: [AnyAPIRoute] = Routes.all) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A JSONValue always encodes.
        let data = (try? encoder.encode(build(routes: routes))) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A Hummingbird template (`/locks/:name`) in OpenAPI's syntax (`/locks/{name}`).
    public static func openAPIPath(_ template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{" + segment.dropFirst() + "}" : String(segment)
        }.joined(separator: "/")
    }

    static let description = """
        Every route the Port Daddy daemon serves, generated from its route table (Sources/PortDaddyAPI/Contract). \
        Every error answers with the ErrorBody schema ({error, code}). Routes marked with the userToken security scheme \
        need the user's authority: the Unix socket, or the X-PD-Token header over TCP; without it they answer 401 \
        UNTRUSTED_CALLER. A foreign Origin or Host is refused with 403 on every route. Component schemas marked \
        x-pd-described: false name the Swift wire type whose JSON the route reads or answers, without describing its \
        fields yet.
        """

    static func operation(_ route: AnyAPIRoute, trusted: Bool) -> JSONValue {
        var operation: [String: JSONValue] = [
            "operationId": .string(operationID(route)),
            "summary": .string(route.summary),
            "responses": responses(route, trusted: trusted),
        ]
        let parameters: [JSONValue] =
            route.parameters.map { name in
                .object(["name": .string(name), "in": .string("path"), "required": .bool(true), "schema": .object(["type": .string("string")])])
            }
            + route.query.map { name in
                .object(["name": .string(name), "in": .string("query"), "required": .bool(false), "schema": .object(["type": .string("string")])])
            }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if route.request != String(describing: NoBody.self) {
            operation["requestBody"] = .object([
                "required": .bool(false),
                "content": .object(["application/json": .object(["schema": OpenAPISchemas.reference(route.request)])]),
            ])
        }
        if trusted { operation["security"] = .array([.object([userTokenScheme: .array([])])]) }
        return .object(operation)
    }

    static func responses(_ route: AnyAPIRoute, trusted: Bool) -> JSONValue {
        let error = JSONValue.object([
            "description": .string(trusted ? "refused: bad input, not found, a conflict, or no user authority (401)" : "refused"),
            "content": .object(["application/json": .object(["schema": OpenAPISchemas.reference("ErrorBody")])]),
        ])
        // A route that answers without a body (NoBody) answers 204 No Content.
        let success: JSONValue =
            route.response == String(describing: NoBody.self)
            ? .object(["description": .string(route.summary + " (204, no body)")])
            : .object(["description": .string(route.summary), "content": .object(successContent(route.response))])
        return .object([
            "2XX": success,
            "4XX": error,
            "5XX": .object([
                "description": .string("an internal error"),
                "content": .object(["application/json": .object(["schema": OpenAPISchemas.reference("ErrorBody")])]),
            ]),
        ])
    }

    static func successContent(_ response: String) -> [String: JSONValue] {
        switch response {
        case String(describing: EventStream.self): ["text/event-stream": .object(["schema": .object(["type": .string("string")])])]
        case String(describing: HTMLPage.self): ["text/html": .object(["schema": .object(["type": .string("string")])])]
        case String(describing: PlainText.self): ["text/plain": .object(["schema": .object(["type": .string("string")])])]
        default: ["application/json": .object(["schema": OpenAPISchemas.reference(response)])]
        }
    }

    /// `post /locks/:name/extend` → `post_locks_name_extend`; `get /` → `get_root`.
    static func operationID(_ route: AnyAPIRoute) -> String {
        let words = route.template.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        return ([route.method.rawValue.lowercased()] + (words.isEmpty ? ["root"] : words)).joined(separator: "_")
    }
}
