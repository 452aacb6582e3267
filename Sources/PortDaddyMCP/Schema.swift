import MCP
import PortDaddyAPI

/// Small builders for the JSON Schemas of tool inputs.
enum Schema {
    /// An object with free keys and number values (e.g. file path → heat).
    static func numberMap(_ description: String) -> Value {
        .object(["type": "object", "description": .string(description), "additionalProperties": .object(["type": "number"])])
    }

    static func object(_ properties: [String: Value], required: [String] = []) -> Value {
        var schema: [String: Value] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return .object(schema)
    }

    static func string(_ description: String, oneOf values: [String]? = nil) -> Value {
        var schema: [String: Value] = ["type": "string", "description": .string(description)]
        if let values { schema["enum"] = .array(values.map { .string($0) }) }
        return .object(schema)
    }

    static func integer(_ description: String) -> Value { .object(["type": "integer", "description": .string(description)]) }
    static func number(_ description: String) -> Value { .object(["type": "number", "description": .string(description)]) }
    static func boolean(_ description: String) -> Value { .object(["type": "boolean", "description": .string(description)]) }

    /// An array of any JSON values (tuples and patterns).
    static func array(_ description: String) -> Value { .object(["type": "array", "description": .string(description)]) }

    static func strings(_ description: String) -> Value {
        .object(["type": "array", "items": .object(["type": "string"]), "description": .string(description)])
    }
}

/// Typed access to a tool call's arguments.
struct Arguments {
    let values: [String: Value]

    func string(_ key: String) throws(ToolFailure) -> String? {
        guard let value = values[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .invalid("\(key) must be a string") }
        return text
    }

    func required(_ key: String) throws(ToolFailure) -> String {
        guard let text = try string(key), !text.isEmpty else { throw .invalid("\(key) is required") }
        return text
    }

    func int(_ key: String) throws(ToolFailure) -> Int? {
        guard let value = values[key], !value.isNull else { return nil }
        if let n = value.intValue { return n }
        if let d = value.doubleValue, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        throw .invalid("\(key) must be an integer")
    }

    func number(_ key: String) throws(ToolFailure) -> Double? {
        guard let value = values[key], !value.isNull else { return nil }
        if let d = value.doubleValue { return d }
        if let n = value.intValue { return Double(n) }
        throw .invalid("\(key) must be a number")
    }

    func bool(_ key: String) throws(ToolFailure) -> Bool? {
        guard let value = values[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw .invalid("\(key) must be true or false") }
        return flag
    }

    func strings(_ key: String) throws(ToolFailure) -> [String]? {
        guard let value = values[key], !value.isNull else { return nil }
        guard let items = value.arrayValue else { throw .invalid("\(key) must be an array of strings") }
        var result: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw .invalid("\(key) must be an array of strings") }
            result.append(text)
        }
        return result
    }

    func action(_ allowed: [String]) throws(ToolFailure) -> String {
        let action = try required("action")
        guard allowed.contains(action) else { throw .invalid("action must be one of \(allowed.joined(separator: ", "))") }
        return action
    }
}

/// A tool call that failed, with the code the caller sees.
enum ToolFailure: Error {
    /// The arguments do not fit the tool's schema.
    case invalid(String)
    /// The daemon, or a wire type checked before sending, refused with a code.
    case refused(ToolErrorCode, message: String)

    /// A value that broke its wire type's rule, with that type's code.
    static func value(_ invalid: InvalidValue) -> ToolFailure { .refused(.daemon(invalid.code), message: invalid.message) }

    var code: ToolErrorCode {
        switch self {
        case .invalid: return .invalidArgument
        case .refused(let code, _): return code
        }
    }

    var message: String {
        switch self {
        case .invalid(let why): return why
        case .refused(_, let message): return message
        }
    }
}
