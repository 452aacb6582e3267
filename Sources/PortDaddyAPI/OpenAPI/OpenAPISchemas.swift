/// The component schemas of the OpenAPI document: one per wire type that a route reads or answers.
///
/// Swift cannot list a Codable type's fields, so a type's fields are described only where ``described`` holds a
/// schema written for it (the error body, every refusal's shape, and a few claim, lock and channel messages). Every
/// other type gets a schema that names it and accepts any JSON value, marked `x-pd-described: false`, so the
/// document never claims a shape it does not know.
public enum OpenAPISchemas {
    /// Schemas written out field by field, by type name.
    public static var described: [String: JSONValue] {
        describedWireTypes.merging([
            "ErrorBody": .object([
                "type": .string("object"),
                "description": .string("The body of every error response: a human message and a stable machine code."),
                "required": .array([.string("error"), .string("code")]),
                "properties": .object([
                    "error": .object(["type": .string("string"), "description": .string("what went wrong and what to do")]),
                    "code": .object(["type": .string("string"), "enum": .array(ErrorCode.allCases.map { .string($0.rawValue) })]),
                ]),
            ]),
            String(describing: OpenAPIJSON.self): .object([
                "type": .string("object"),
                "description": .string("This OpenAPI 3.1 document."),
                "required": .array([.string("openapi"), .string("paths")]),
            ]),
        ]) { first, _ in first }
    }

    /// The response types that are not JSON, so have no component schema.
    static let notJSON: Set<String> = [
        String(describing: NoBody.self), String(describing: EventStream.self), String(describing: HTMLPage.self),
        String(describing: PlainText.self),
    ]

    /// The component name of a Swift type name: OpenAPI allows letters, digits, `.`, `_` and `-`
    /// (`Array<LockInfo>` → `Array_LockInfo_`).
    public static func componentName(_ typeName: String) -> String {
        String(typeName.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" ? $0 : "_" })
    }

    /// A `$ref` to the component schema of a type.
    static func reference(_ typeName: String) -> JSONValue {
        .object(["$ref": .string("#/components/schemas/" + componentName(typeName))])
    }

    /// Every component schema the routes refer to, plus `ErrorBody`.
    static func components(for routes: [AnyAPIRoute]) -> [String: JSONValue] {
        let names = Set(routes.flatMap { [$0.request, $0.response] }).subtracting(notJSON).union(["ErrorBody"])
        let described = described
        var schemas: [String: JSONValue] = [:]
        for name in names {
            schemas[componentName(name)] =
                described[name]
                ?? .object([
                    "description": .string("The JSON of the wire type \(name) (fields not described here yet)."),
                    "x-pd-described": .bool(false),
                    "x-pd-swift-type": .string(name),
                ])
        }
        return schemas
    }
}

/// The response of `GET /openapi.json`: the OpenAPI document.
public enum OpenAPIJSON: Sendable {}
