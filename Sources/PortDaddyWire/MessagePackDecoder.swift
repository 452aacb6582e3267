/// Decodes a ``MessagePackValue`` into a `Decodable` (the API's request and response structs), strictly: a field
/// of the wrong type (a string where a number belongs, a fraction where an integer belongs, an integer out of
/// range) is a `DecodingError`, which the daemon answers as `refuse` `INVALID_REQUEST`. An integer is accepted
/// where a floating-point number belongs (MessagePack libraries write `30.0` as `30`).
public struct MessagePackDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: MessagePackValue) throws -> T {
        try T(from: ValueDecoder(value: value, codingPath: []))
    }
}

struct ValueDecoder: Decoder {
    let value: MessagePackValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .map(let entries) = value else { throw Scalars.mismatch([String: Int].self, value, codingPath) }
        var fields: [String: MessagePackValue] = [:]
        for entry in entries { fields[entry.key] = entry.value }
        return KeyedDecodingContainer(KeyedValueContainer<Key>(fields: fields, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw Scalars.mismatch([Int].self, value, codingPath) }
        return UnkeyedValueContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(value: value, codingPath: codingPath) }
}

/// Strict conversions from a value to a Swift scalar.
enum Scalars {
    static func mismatch(_ type: Any.Type, _ value: MessagePackValue, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type), found \(describe(value))"))
    }

    static func describe(_ value: MessagePackValue) -> String {
        switch value {
        case .nil: return "nil"
        case .bool: return "a boolean"
        case .int, .uint: return "an integer"
        case .double: return "a float"
        case .string: return "a string"
        case .binary: return "binary"
        case .array: return "an array"
        case .map: return "a map"
        }
    }

    static func bool(_ value: MessagePackValue, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, value, path) }
        return flag
    }

    static func string(_ value: MessagePackValue, _ path: [any CodingKey]) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, value, path) }
        return text
    }

    static func double(_ value: MessagePackValue, _ path: [any CodingKey]) throws -> Double {
        switch value {
        case .double(let d): return d
        case .int(let n): return Double(n)
        case .uint(let n): return Double(n)
        default: throw mismatch(Double.self, value, path)
        }
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: MessagePackValue, _ path: [any CodingKey]) throws -> T {
        let converted: T?
        switch value {
        case .int(let n): converted = T(exactly: n)
        case .uint(let n): converted = T(exactly: n)
        default: throw mismatch(T.self, value, path)
        }
        guard let converted else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\(value) does not fit in \(T.self)"))
        }
        return converted
    }
}

struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: [String: MessagePackValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { fields.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

    func field(_ key: Key) throws -> MessagePackValue {
        guard let value = fields[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing \"\(key.stringValue)\""))
        }
        return value
    }

    func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { try field(key) == .nil }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Scalars.bool(field(key), path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Scalars.string(field(key), path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Scalars.double(field(key), path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try Scalars.double(field(key), path(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try Scalars.integer(type, field(key), path(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Scalars.integer(type, field(key), path(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: ValueDecoder(value: try field(key), codingPath: path(key)))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try field(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try field(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(value: fields["super"] ?? .nil, codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(value: fields[key.stringValue] ?? .nil, codingPath: path(key)) }
}

struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let items: [MessagePackValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(items: [MessagePackValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    mutating func next() throws -> MessagePackValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(MessagePackValue.self, .init(codingPath: codingPath, debugDescription: "the array ended"))
        }
        defer { currentIndex += 1 }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .nil else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try Scalars.bool(next(), codingPath) }
    mutating func decode(_ type: String.Type) throws -> String { try Scalars.string(next(), codingPath) }
    mutating func decode(_ type: Double.Type) throws -> Double { try Scalars.double(next(), codingPath) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try Scalars.double(next(), codingPath)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalars.integer(type, next(), codingPath) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: ValueDecoder(value: try next(), codingPath: codingPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try next(), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try next(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { ValueDecoder(value: try next(), codingPath: codingPath) }
}

struct SingleValueContainer: SingleValueDecodingContainer {
    let value: MessagePackValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .nil }
    func decode(_ type: Bool.Type) throws -> Bool { try Scalars.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try Scalars.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try Scalars.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try Scalars.double(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalars.integer(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalars.integer(type, value, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: ValueDecoder(value: value, codingPath: codingPath)) }
}
