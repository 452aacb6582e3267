/// A strict MessagePack decoder for one value filling a whole buffer.
///
/// It reads nil, bool, every int and uint width, float 32/64, str, bin, array and map, and refuses everything
/// else: the unused byte 0xc1, extension types, non-UTF-8 strings, map keys that are not strings, duplicate keys,
/// nesting deeper than ``maxDepth``, a container that announces more elements than bytes remain, truncation and
/// trailing bytes. Every length is checked against what is left before anything is allocated, so no input can
/// make it allocate more than the input's size or loop longer than its length.
public struct MessagePackReader {
    /// Containers nested deeper than this are refused (the protocol needs 4).
    public static let maxDepth = 32

    /// Decodes exactly one value from `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> MessagePackValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(WireError) -> MessagePackValue in
            var reader = MessagePackReader(buffer: buffer)
            let value = try reader.value(depth: 0)
            guard reader.offset == buffer.count else { throw .trailingBytes(buffer.count - reader.offset) }
            return value
        }
    }

    let buffer: UnsafeBufferPointer<UInt8>
    var offset = 0

    var remaining: Int { buffer.count - offset }

    mutating func byte() throws(WireError) -> UInt8 {
        guard offset < buffer.count else { throw .truncated }
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func bigEndian(_ count: Int) throws(WireError) -> UInt64 {
        guard remaining >= count else { throw .truncated }
        var value: UInt64 = 0
        for i in 0..<count { value = value << 8 | UInt64(buffer[offset + i]) }
        offset += count
        return value
    }

    /// A length field of `size` bytes.
    mutating func length(_ size: Int) throws(WireError) -> Int { Int(try bigEndian(size)) }

    mutating func bytes(_ count: Int) throws(WireError) -> UnsafeBufferPointer<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated }
        defer { offset += count }
        return UnsafeBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }

    mutating func string(_ count: Int) throws(WireError) -> String {
        let raw = try bytes(count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    /// Checks that `count` elements of at least `each` bytes can still fit.
    func fits(_ count: Int, each: Int) throws(WireError) {
        guard count <= remaining / each else { throw .containerTooLarge(count) }
    }

    mutating func value(depth: Int) throws(WireError) -> MessagePackValue {
        let type = try byte()
        switch type {
        case 0x00...0x7f: return .int(Int64(type))
        case 0x80...0x8f: return try map(Int(type & 0x0f), depth: depth)
        case 0x90...0x9f: return try array(Int(type & 0x0f), depth: depth)
        case 0xa0...0xbf: return .string(try string(Int(type & 0x1f)))
        case 0xc0: return .nil
        case 0xc2: return .bool(false)
        case 0xc3: return .bool(true)
        case 0xc4, 0xc5, 0xc6:
            let count = try length(1 << Int(type - 0xc4))
            return .binary(Array(try bytes(count)))
        case 0xca: return .double(Double(Float(bitPattern: UInt32(try bigEndian(4)))))
        case 0xcb: return .double(Double(bitPattern: try bigEndian(8)))
        case 0xcc: return .int(Int64(try bigEndian(1)))
        case 0xcd: return .int(Int64(try bigEndian(2)))
        case 0xce: return .int(Int64(try bigEndian(4)))
        case 0xcf:
            let n = try bigEndian(8)
            return n <= UInt64(Int64.max) ? .int(Int64(n)) : .uint(n)
        case 0xd0: return .int(Int64(Int8(truncatingIfNeeded: try bigEndian(1))))
        case 0xd1: return .int(Int64(Int16(truncatingIfNeeded: try bigEndian(2))))
        case 0xd2: return .int(Int64(Int32(truncatingIfNeeded: try bigEndian(4))))
        case 0xd3: return .int(Int64(bitPattern: try bigEndian(8)))
        case 0xd9, 0xda, 0xdb:
            let count = try length(1 << Int(type - 0xd9))
            return .string(try string(count))
        case 0xdc, 0xdd:
            let count = try length(type == 0xdc ? 2 : 4)
            return try array(count, depth: depth)
        case 0xde, 0xdf:
            let count = try length(type == 0xde ? 2 : 4)
            return try map(count, depth: depth)
        case 0xe0...0xff: return .int(Int64(Int8(bitPattern: type)))
        default: throw .unsupportedType(type)  // 0xc1, ext 8/16/32 (0xc7-0xc9), fixext (0xd4-0xd8)
        }
    }

    mutating func array(_ count: Int, depth: Int) throws(WireError) -> MessagePackValue {
        guard depth < Self.maxDepth else { throw .tooDeep }
        try fits(count, each: 1)
        var items: [MessagePackValue] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try value(depth: depth + 1)) }
        return .array(items)
    }

    mutating func map(_ count: Int, depth: Int) throws(WireError) -> MessagePackValue {
        guard depth < Self.maxDepth else { throw .tooDeep }
        try fits(count, each: 2)
        var entries: [MessagePackEntry] = []
        entries.reserveCapacity(count)
        var seen = Set<String>()
        for _ in 0..<count {
            guard case .string(let key) = try value(depth: depth + 1) else { throw .nonStringKey }
            guard seen.insert(key).inserted else { throw .duplicateKey(key) }
            entries.append(MessagePackEntry(key, try value(depth: depth + 1)))
        }
        return .map(entries)
    }
}
