import Foundation
import PortDaddyCore

/// A JSON value read from one line of an agent's output. Numbers keep their text, so token counts and costs are read
/// exactly (Foundation's parser turns every number into a `Double`).
enum JSONValue: Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Parses a whole text as one JSON value; nil when it is not exactly that.
    init?(parsing text: String) {
        var reader = JSONReader(bytes: Array(text.utf8))
        reader.skipSpace()
        guard let value = reader.readValue(depth: 0) else { return nil }
        reader.skipSpace()
        guard reader.atEnd else { return nil }
        self = value
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A non-negative whole number (`12`, also `12.0` or `1.2e3`), exactly; nil otherwise.
    var countValue: Int64? {
        guard case .number(let text) = self, let number = DecimalText(text[...], allowExponent: true) else { return nil }
        guard number.negative == false || number.digits.isEmpty else { return nil }
        let fraction = max(0, -number.exponent)
        guard number.digits.suffix(fraction).allSatisfy({ $0 == 0 }) else { return nil }
        return number.scaledRoundingHalfUp(scale: 0, limit: Int64.max)
    }

    /// A number's text, or a string's (amounts arrive both ways).
    var decimalText: String? {
        switch self {
        case .number(let text), .string(let text): return text
        default: return nil
        }
    }
}

/// A recursive-descent reader over UTF-8 bytes with a depth limit, so a hostile line cannot exhaust the stack.
private struct JSONReader {
    let bytes: [UInt8]
    var index = 0
    static let maxDepth = 64

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func readValue(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth, index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return readObject(depth: depth)
        case UInt8(ascii: "["): return readArray(depth: depth)
        case UInt8(ascii: "\""): return readString().map(JSONValue.string)
        case UInt8(ascii: "t"): return readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return readLiteral("null", .null)
        default: return readNumber()
        }
    }

    mutating func readLiteral(_ word: String, _ value: JSONValue) -> JSONValue? {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else { return nil }
        index += expected.count
        return value
    }

    mutating func readNumber() -> JSONValue? {
        let start = index
        while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
        guard index > start, let text = String(bytes: bytes[start..<index], encoding: .utf8) else { return nil }
        guard DecimalText(text[...], allowExponent: true) != nil else { return nil }
        return .number(text)
    }

    mutating func readObject(depth: Int) -> JSONValue? {
        var members: [String: JSONValue] = [:]
        let complete = readSequence(closing: UInt8(ascii: "}")) { reader in
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: "\""), let key = reader.readString() else {
                return false
            }
            reader.skipSpace()
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: ":") else { return false }
            reader.index += 1
            reader.skipSpace()
            guard let value = reader.readValue(depth: depth + 1) else { return false }
            members[key] = value
            return true
        }
        return complete ? .object(members) : nil
    }

    mutating func readArray(depth: Int) -> JSONValue? {
        var items: [JSONValue] = []
        let complete = readSequence(closing: UInt8(ascii: "]")) { reader in
            guard let value = reader.readValue(depth: depth + 1) else { return false }
            items.append(value)
            return true
        }
        return complete ? .array(items) : nil
    }

    /// From an opening bracket: elements read by `element`, separated by commas, up to `closing`. False when malformed.
    mutating func readSequence(closing: UInt8, _ element: (inout JSONReader) -> Bool) -> Bool {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == closing {
            index += 1
            return true
        }
        while true {
            skipSpace()
            guard element(&self) else { return false }
            skipSpace()
            guard index < bytes.count else { return false }
            if bytes[index] == closing {
                index += 1
                return true
            }
            guard bytes[index] == UInt8(ascii: ",") else { return false }
            index += 1
        }
    }

    /// Reads a string literal at `index` (which is on its opening quote), decoding escapes and surrogate pairs.
    mutating func readString() -> String? {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() -> Bool {
            guard !run.isEmpty else { return true }
            guard let text = String(bytes: run, encoding: .utf8) else { return false }
            scalars.append(contentsOf: text.unicodeScalars)
            run.removeAll(keepingCapacity: true)
            return true
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                return flush() ? String(scalars) : nil
            }
            if byte < 0x20 { return nil }
            guard byte == UInt8(ascii: "\\") else {
                run.append(byte)
                continue
            }
            guard flush(), index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                guard let scalar = readUnicodeEscape() else { return nil }
                scalars.append(scalar)
            default: return nil
            }
        }
        return nil
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` when the first is a high surrogate. A lone surrogate → U+FFFD.
    mutating func readUnicodeEscape() -> Unicode.Scalar? {
        guard let high = readHex4() else { return nil }
        if (0xD800...0xDBFF).contains(high) {
            let save = index
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                index += 2
                if let low = readHex4(), (0xDC00...0xDFFF).contains(low) {
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                }
            }
            index = save
            return "\u{FFFD}"
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    mutating func readHex4() -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
