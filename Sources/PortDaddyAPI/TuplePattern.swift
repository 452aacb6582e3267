/// The limits of the tuple space.
public enum TupleLimits {
    /// Elements of one tuple (and of one pattern).
    public static let maxElements = 64
    /// Bytes of one tuple as compact JSON.
    public static let maxBytes = 16 * 1024
    /// Live tuples in one harbor.
    public static let maxPerHarbor = 100_000
    /// Tuples one read returns at most.
    public static let maxLimit = 1000
}

/// A Linda pattern: one element per tuple element (same arity). An element is
/// - a JSON value: equality, numbers compared numerically;
/// - `"*"`: any value;
/// - `">N"`, `"<N"`, `">=N"`, `"<=N"`: a number in that range;
/// - a string with `*` that is an identity pattern (`myapp:*`): a string that pattern matches;
/// - `{"$eq": v}`: exactly `v`, for a literal `"*"` or `">3"`.
///
/// Anything else (another object, a string that starts with `<`/`>` but is no comparison, a `*` string that is no
/// identity pattern) is refused with `INVALID_PATTERN` naming the element's index.
public struct TuplePattern: Sendable, Equatable, CustomStringConvertible {
    public enum Element: Sendable, Equatable {
        case any
        case equals(JSONValue)
        case compare(Comparison, Double)
        case name(IdentityPattern)
    }

    public enum Comparison: String, Sendable, CaseIterable {
        // Two-character operators first, so `>=3` is not read as `>` of `=3`.
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
        case greater = ">"
        case less = "<"

        func holds(_ value: Double, _ bound: Double) -> Bool {
            switch self {
            case .greater: value > bound
            case .less: value < bound
            case .greaterOrEqual: value >= bound
            case .lessOrEqual: value <= bound
            }
        }
    }

    public let elements: [Element]
    public let source: [JSONValue]

    public var description: String { JSONValue.array(source).canonicalJSON }

    public init(_ raw: [JSONValue]) throws(InvalidValue) {
        guard !raw.isEmpty, raw.count <= TupleLimits.maxElements else {
            throw Self.invalid("a pattern has 1 to \(TupleLimits.maxElements) elements, like the tuples it matches")
        }
        var elements: [Element] = []
        for (index, value) in raw.enumerated() { elements.append(try Self.element(value, at: index)) }
        self.elements = elements
        source = raw
    }

    static func element(_ value: JSONValue, at index: Int) throws(InvalidValue) -> Element {
        switch value {
        case .string("*"): return .any
        case .string(let text):
            if let first = text.first, first == ">" || first == "<" {
                for comparison in Comparison.allCases where text.hasPrefix(comparison.rawValue) {
                    let rest = text.dropFirst(comparison.rawValue.count).trimmingWhitespace()
                    if let bound = Double(rest), bound.isFinite { return .compare(comparison, bound) }
                }
                throw invalid(
                    "pattern element \(index) (\"\(text)\") is not a comparison (>N, <N, >=N, <=N); for the literal string use {\"$eq\": \"\(text)\"}"
                )
            }
            guard text.contains("*") else { return .equals(value) }
            guard let pattern = try? IdentityPattern(parsing: text, maxSegments: 8) else {
                throw invalid(
                    "pattern element \(index) (\"\(text)\") has a * but is not an identity pattern like myapp:*; "
                        + "for the literal string use {\"$eq\": \"\(text)\"}"
                )
            }
            return .name(pattern)
        case .object(let fields):
            guard fields.count == 1, let literal = fields["$eq"] else {
                throw invalid("pattern element \(index) is an object; objects match only as {\"$eq\": value}")
            }
            return .equals(literal)
        default:
            return .equals(value)
        }
    }

    static func invalid(_ message: String) -> InvalidValue { InvalidValue(code: .invalidPattern, message: message) }

    /// The exact value the first element must have, when the pattern fixes it (stores index on it).
    public var exactHead: JSONValue? {
        if case .equals(let value) = elements.first { return value }
        return nil
    }

    /// Whether `tuple` has this pattern's arity and every element matches.
    public func matches(_ tuple: [JSONValue]) -> Bool {
        guard tuple.count == elements.count else { return false }
        for (element, value) in zip(elements, tuple) {
            switch element {
            case .any: continue
            case .equals(let expected): if expected != value { return false }
            case .compare(let comparison, let bound):
                guard case .number(let number) = value, comparison.holds(number, bound) else { return false }
            case .name(let pattern):
                guard case .string(let text) = value, pattern.matches(name: text) else { return false }
            }
        }
        return true
    }
}
