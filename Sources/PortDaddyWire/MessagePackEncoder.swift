/// Encodes an `Encodable` (the API's request and response structs) into a ``MessagePackValue`` map, key for key as
/// its JSON form: the same field names, `nil` fields left out, enums as their raw strings.
public struct MessagePackEncoder {
    public init() {}

    /// The value `value` encodes to.
    public func encode<T: Encodable>(_ value: T) throws -> MessagePackValue {
        let node = EncodingNode()
        try value.encode(to: NodeEncoder(node: node, codingPath: []))
        return node.resolved
    }
}

/// What one encoder level has written so far (a reference, because containers outlive the calls that made them).
final class EncodingNode {
    enum Content {
        case empty
        case value(MessagePackValue)
        case map([(String, EncodingNode)])
        case array([EncodingNode])
    }
    var content = Content.empty

    var resolved: MessagePackValue {
        switch content {
        case .empty: return .map([])
        case .value(let value): return value
        case .map(let entries): return .map(entries.map { MessagePackEntry($0.0, $0.1.resolved) })
        case .array(let items): return .array(items.map(\.resolved))
        }
    }

    func add(_ key: String) -> EncodingNode {
        let child = EncodingNode()
        if case .map(var entries) = content {
            entries.removeAll { $0.0 == key }
            entries.append((key, child))
            content = .map(entries)
        } else {
            content = .map([(key, child)])
        }
        return child
    }

    func append() -> EncodingNode {
        let child = EncodingNode()
        if case .array(var items) = content {
            items.append(child)
            content = .array(items)
        } else {
            content = .array([child])
        }
        return child
    }
}

struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .map = node.content {} else { node.content = .map([]) }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeContainer(node: node, codingPath: codingPath) }
}

/// The scalar encodings every container shares.
protocol ScalarEncoding {
    var codingPath: [any CodingKey] { get }
}

extension ScalarEncoding {
    static func scalar(_ value: Bool) -> MessagePackValue { .bool(value) }
    static func scalar(_ value: String) -> MessagePackValue { .string(value) }
    static func scalar(_ value: Double) -> MessagePackValue { .double(value) }
    static func scalar<T: BinaryInteger>(_ value: T) -> MessagePackValue {
        if let n = Int64(exactly: value) { return .int(n) }
        return .uint(UInt64(value))
    }

    /// Encodes `value` into `node`.
    func encodeValue<T: Encodable>(_ value: T, into node: EncodingNode, at path: [any CodingKey]) throws {
        try value.encode(to: NodeEncoder(node: node, codingPath: path))
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol, ScalarEncoding {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    func set(_ value: MessagePackValue, _ key: Key) { node.add(key.stringValue).content = .value(value) }

    mutating func encodeNil(forKey key: Key) throws { set(.nil, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(Self.scalar(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(Self.scalar(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: node.add(key.stringValue), at: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.add(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.add(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.add("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.add(key.stringValue), codingPath: codingPath + [key]) }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer, ScalarEncoding {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let items) = node.content { return items.count }
        return 0
    }

    func add(_ value: MessagePackValue) { node.append().content = .value(value) }

    mutating func encodeNil() throws { add(.nil) }
    mutating func encode(_ value: Bool) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: String) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: Double) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: Float) throws { add(Self.scalar(Double(value))) }
    mutating func encode(_ value: Int) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: Int8) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: Int16) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: Int32) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: Int64) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: UInt) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: UInt8) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: UInt16) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: UInt32) throws { add(Self.scalar(value)) }
    mutating func encode(_ value: UInt64) throws { add(Self.scalar(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: node.append(), at: codingPath) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.append(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.append(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.append(), codingPath: codingPath) }
}

struct SingleNodeContainer: SingleValueEncodingContainer, ScalarEncoding {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    func set(_ value: MessagePackValue) { node.content = .value(value) }

    mutating func encodeNil() throws { set(.nil) }
    mutating func encode(_ value: Bool) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: String) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: Double) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: Float) throws { set(Self.scalar(Double(value))) }
    mutating func encode(_ value: Int) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: Int8) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: Int16) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: Int32) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: Int64) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: UInt) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: UInt8) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: UInt16) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: UInt32) throws { set(Self.scalar(value)) }
    mutating func encode(_ value: UInt64) throws { set(Self.scalar(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: node, at: codingPath) }
}
