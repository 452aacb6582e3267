/// Encodes ``MessagePackValue``s in the smallest MessagePack format for each (as every MessagePack library does).
public enum MessagePackWriter {
    /// The encoding of `value`.
    public static func encode(_ value: MessagePackValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        append(value, to: &out)
        return out
    }

    /// Appends the encoding of `value` to `out`.
    public static func append(_ value: MessagePackValue, to out: inout [UInt8]) {
        switch value {
        case .nil: out.append(0xc0)
        case .bool(let flag): out.append(flag ? 0xc3 : 0xc2)
        case .int(let n): appendInt(n, to: &out)
        case .uint(let n): appendUInt(n, to: &out)
        case .double(let d):
            out.append(0xcb)
            appendBigEndian(d.bitPattern, 8, to: &out)
        case .string(let text):
            let count = text.utf8.count
            if count < 32 {
                out.append(0xa0 | UInt8(count))
            } else {
                appendHeader(count, small: 0xd9, medium: 0xda, large: 0xdb, to: &out)
            }
            out.append(contentsOf: text.utf8)
        case .binary(let bytes):
            appendHeader(bytes.count, small: 0xc4, medium: 0xc5, large: 0xc6, to: &out)
            out.append(contentsOf: bytes)
        case .array(let items):
            if items.count < 16 {
                out.append(0x90 | UInt8(items.count))
            } else {
                appendHeader(items.count, small: nil, medium: 0xdc, large: 0xdd, to: &out)
            }
            for item in items { append(item, to: &out) }
        case .map(let entries):
            if entries.count < 16 {
                out.append(0x80 | UInt8(entries.count))
            } else {
                appendHeader(entries.count, small: nil, medium: 0xde, large: 0xdf, to: &out)
            }
            for entry in entries {
                append(.string(entry.key), to: &out)
                append(entry.value, to: &out)
            }
        }
    }

    static func appendInt(_ n: Int64, to out: inout [UInt8]) {
        if n >= 0 { return appendUInt(UInt64(n), to: &out) }
        switch n {
        case -32..<0: out.append(UInt8(bitPattern: Int8(n)))
        case Int64(Int8.min)..<0:
            out.append(0xd0)
            out.append(UInt8(bitPattern: Int8(n)))
        case Int64(Int16.min)..<0:
            out.append(0xd1)
            appendBigEndian(UInt64(UInt16(bitPattern: Int16(n))), 2, to: &out)
        case Int64(Int32.min)..<0:
            out.append(0xd2)
            appendBigEndian(UInt64(UInt32(bitPattern: Int32(n))), 4, to: &out)
        default:
            out.append(0xd3)
            appendBigEndian(UInt64(bitPattern: n), 8, to: &out)
        }
    }

    static func appendUInt(_ n: UInt64, to out: inout [UInt8]) {
        switch n {
        case 0..<128: out.append(UInt8(n))
        case 128...UInt64(UInt8.max):
            out.append(0xcc)
            out.append(UInt8(n))
        case 256...UInt64(UInt16.max):
            out.append(0xcd)
            appendBigEndian(n, 2, to: &out)
        case 65536...UInt64(UInt32.max):
            out.append(0xce)
            appendBigEndian(n, 4, to: &out)
        default:
            out.append(0xcf)
            appendBigEndian(n, 8, to: &out)
        }
    }

    /// A str/bin/array/map header with an 8-, 16- or 32-bit length (`small` nil: the type has no 8-bit form).
    static func appendHeader(_ count: Int, small: UInt8?, medium: UInt8, large: UInt8, to out: inout [UInt8]) {
        if let small, count <= Int(UInt8.max) {
            out.append(small)
            out.append(UInt8(count))
        } else if count <= Int(UInt16.max) {
            out.append(medium)
            appendBigEndian(UInt64(count), 2, to: &out)
        } else {
            out.append(large)
            appendBigEndian(UInt64(count), 4, to: &out)
        }
    }

    static func appendBigEndian(_ value: UInt64, _ count: Int, to out: inout [UInt8]) {
        for i in stride(from: count - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}
