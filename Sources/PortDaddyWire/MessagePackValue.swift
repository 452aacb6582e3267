/// One MessagePack value, as the IPC socket reads and writes them.
///
/// Maps keep their order (so an encoding is reproducible, as docs/IPC.md's hex example needs) and have string keys
/// only: the protocol has no other, and the reader refuses any other (see ``MessagePackReader``).
public enum MessagePackValue: Sendable, Equatable {
    case `nil`
    case bool(Bool)
    /// Every integer that fits in `Int64`, whichever MessagePack format carried it.
    case int(Int64)
    /// Unsigned integers above `Int64.max`.
    case uint(UInt64)
    /// float 32 and float 64 (a float 32 is widened).
    case double(Double)
    case string(String)
    case binary([UInt8])
    case array([MessagePackValue])
    case map([MessagePackEntry])

    /// The value of `key` when this is a map that has it.
    public subscript(key: String) -> MessagePackValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The text, when this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number, when this is an integer that fits in `Int`.
    public var intValue: Int? {
        switch self {
        case .int(let n): return Int(exactly: n)
        case .uint(let n): return Int(exactly: n)
        default: return nil
        }
    }

    /// The flag, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// A map from ordered `(key, value)` pairs.
    public static func object(_ pairs: KeyValuePairs<String, MessagePackValue>) -> MessagePackValue {
        .map(pairs.map { MessagePackEntry($0.key, $0.value) })
    }
}

/// One `key: value` of a map.
public struct MessagePackEntry: Sendable, Equatable {
    public var key: String
    public var value: MessagePackValue
    public init(_ key: String, _ value: MessagePackValue) {
        self.key = key
        self.value = value
    }
}
