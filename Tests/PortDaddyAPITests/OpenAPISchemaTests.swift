import Foundation
import PortDaddyAPI
import Testing

/// The schemas written field by field match what the wire types really encode: every encoded key is a described
/// property of the right JSON type, and every required property is there.
@Suite("OpenAPI described schemas")
struct OpenAPISchemaTests {
    /// Problems of `value` against `schema` (objects, arrays, strings, integers, numbers, booleans), with their path.
    static func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let schema) = schema else { return [] }
        let types: [String]
        switch schema["type"] {
        case .string(let one)?: types = [one]
        case .array(let many)?: types = many.compactMap { if case .string(let name) = $0 { name } else { nil } }
        default: types = []
        }
        let matches =
            types.isEmpty
            || types.contains { type in
                switch (type, value) {
                case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number): true
                case ("integer", .number(let number)): number == number.rounded()
                default: false
                }
            }
        guard matches else { return ["\(path): \(value) is not \(types)"] }
        var found: [String] = []
        if case .object(let object) = value, case .object(let properties)? = schema["properties"] {
            for (key, field) in object {
                guard let property = properties[key] else {
                    found.append("\(path).\(key) is not a described property")
                    continue
                }
                found += problems(field, property, at: path + "." + key)
            }
            if case .array(let required)? = schema["required"] {
                for case .string(let key) in required where object[key] == nil { found.append("\(path).\(key) is required but missing") }
            }
        }
        if case .array(let array) = value, let items = schema["items"] {
            for (index, item) in array.enumerated() { found += problems(item, items, at: "\(path)[\(index)]") }
        }
        return found
    }

    static func check(_ value: some Encodable, as name: String) throws {
        let schema = try #require(OpenAPISchemas.described[name], "\(name) is not described")
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        let found = problems(json, schema)
        #expect(found.isEmpty, "\(name): \(found)")
    }

    @Test("ClaimRequest, PublishRequest, ChannelMessageInfo, ChannelHistoryResponse, LockInfo and ErrorBody encode as described")
    func describedTypesMatchTheirValues() throws {
        let full = try JSONDecoder().decode(
            ClaimRequest.self, from: Data(#"{"id":"shop:api","port":3100,"fallback":true,"pid":42,"expires":"2h","sticky":false}"#.utf8))
        try Self.check(full, as: "ClaimRequest")
        try Self.check(try JSONDecoder().decode(ClaimRequest.self, from: Data(#"{"id":"shop"}"#.utf8)), as: "ClaimRequest")
        try Self.check(PublishRequest(message: "hi", sender: "a", signal: "go", inReplyTo: 3), as: "PublishRequest")
        let message = ChannelMessageInfo(id: 7, channel: "c", message: "m", sender: "s", signal: nil, createdAt: 1_700_000_000_000, inReplyTo: 2)
        try Self.check(message, as: "ChannelMessageInfo")
        try Self.check(ChannelHistoryResponse(messages: [message], cursor: 7), as: "ChannelHistoryResponse")
        try Self.check(LockInfo(name: "db", owner: "me", pid: 12, token: 3, acquiredAt: 1, expiresAt: 2, waiters: 0), as: "LockInfo")
        try Self.check(ErrorBody(error: "no", code: .lockHeld), as: "ErrorBody")
        // The checker itself refuses a wrong shape.
        #expect(!Self.problems(.object(["id": .number(3)]), try #require(OpenAPISchemas.described["ClaimRequest"])).isEmpty)
        #expect(!Self.problems(.object([:]), try #require(OpenAPISchemas.described["LockInfo"])).isEmpty)
    }
}
