/// A semantic service identity: `project[:stack[:context]]`.
///
/// Segments use `[a-z0-9._-]`, are normalized to lower case, and are at most 63 characters each so that an
/// identity can later become a DNS name (`context.stack.project.localhost`).
public struct Identity: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The normalized segments, one to three of them.
    public let segments: [String]

    /// The canonical string form, segments joined by `:`.
    public var description: String { segments.joined(separator: ":") }

    /// The project segment (always present).
    public var project: String { segments[0] }

    /// Parses and normalizes an identity, throwing ``IdentityError`` with a message a user can act on.
    public init(parsing raw: String) throws(IdentityError) {
        let trimmed = raw.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map { String($0).asciiLowercased() }
        guard parts.count <= 3 else { throw .tooManySegments(trimmed) }
        for part in parts {
            try Identity.validate(segment: part, in: trimmed)
        }
        if parts.count == 1, parts[0].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            throw .allDigits(trimmed)
        }
        segments = parts
    }

    /// Validates one segment of an identity or a lock name.
    static func validate(segment part: String, in whole: String) throws(IdentityError) {
        guard !part.isEmpty else { throw .emptySegment(whole) }
        guard part.utf8.count <= 63 else { throw .segmentTooLong(whole) }
        // Checked character by character on what the user typed (only ASCII was lower-cased), so a look-alike
        // such as the Kelvin sign is refused rather than folded into "k", and the error names it as typed.
        for character in part where !(character.asciiValue.map(Identity.isAllowed) ?? false) {
            throw .invalidCharacter(whole, character)
        }
    }

    /// Whether a byte may appear in an identity segment (`a-z`, `0-9`, `.`, `_`, `-`).
    public static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): return true
        default: return false
        }
    }

    /// Decodes and validates: a malformed identity is an ``InvalidValue`` with `INVALID_IDENTITY`.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: raw) } catch { throw InvalidValue(code: .invalidIdentity, message: error.description) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    /// Lower-cases ASCII letters only: `MyApp` → `myapp`, while a non-ASCII character that would fold into ASCII
    /// (the Kelvin sign into `k`) stays as it is and fails validation.
    public func asciiLowercased() -> String {
        String(
            String.UnicodeScalarView(
                unicodeScalars.map { scalar in
                    (65...90).contains(scalar.value) ? Unicode.Scalar(scalar.value + 32)! : scalar
                }))
    }
}

/// Why a string is not a valid identity.
public enum IdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooManySegments(String)
    /// A lock or channel name with more `:`-separated segments than its limit.
    case tooManyNameSegments(String, limit: Int)
    case emptySegment(String)
    case segmentTooLong(String)
    case invalidCharacter(String, Character)
    case invalidPattern(String)
    case allDigits(String)

    public var description: String {
        switch self {
        case .empty:
            return "identity is empty; use project[:stack[:context]], e.g. myapp:api"
        case .tooManyNameSegments(let s, let limit):
            return "\"\(s)\" has more than \(limit) segments separated by ':'"
        case .tooManySegments(let s):
            return "identity \"\(s)\" has more than 3 segments; use project[:stack[:context]]"
        case .emptySegment(let s):
            return "identity \"\(s)\" has an empty segment; use project[:stack[:context]] with no empty parts"
        case .segmentTooLong(let s):
            return "identity \"\(s)\" has a segment longer than 63 characters"
        case .invalidCharacter(let s, let c):
            return "identity \"\(s)\" contains \"\(c)\"; segments may only use a-z, 0-9, '.', '_' and '-'"
        case .allDigits(let s):
            return "identity \"\(s)\" is all digits and would be read as a port number; add a letter, e.g. app-\(s)"
        case .invalidPattern(let s):
            return "pattern \"\(s)\" is not valid; use segments of a-z, 0-9, '.', '_', '-' and '*', e.g. myapp:*"
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace (the one trimming helper of every module).
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
