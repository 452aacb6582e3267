import PortDaddyAPI

/// What a file claim covers: the whole file, a range of lines, or a symbol (optionally with the lines it spans).
///
/// The overlap rule (``overlaps(_:)``) is the one place that decides whether two claims on a path conflict:
/// - a whole-file claim overlaps every claim on its path;
/// - line ranges overlap when their closed intervals do; an open bound runs to the start (line 1) or the end of
///   the file, it never means "conflicts with nothing";
/// - two symbol claims overlap on the same symbol, or when both recorded ranges overlap;
/// - a symbol and a line range overlap when the symbol's recorded range does; a symbol without a recorded range
///   spans lines nobody knows, so it overlaps every line range (the safe answer).
public struct FileRegion: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// First line (1-based, inclusive); nil = from the start of the file.
    public var startLine: Int?
    /// Last line (inclusive); nil = to the end of the file.
    public var endLine: Int?
    public var symbol: String?

    public init(path: String, startLine: Int? = nil, endLine: Int? = nil, symbol: String? = nil) {
        self.path = path
        self.startLine = startLine
        self.endLine = endLine
        self.symbol = symbol
    }

    /// Neither lines nor a symbol: the whole file.
    public var isWholeFile: Bool { startLine == nil && endLine == nil && symbol == nil }

    /// Whether lines are recorded (either bound).
    var hasLines: Bool { startLine != nil || endLine != nil }

    /// The closed line interval, open bounds made explicit.
    var lines: ClosedRange<Int> { (startLine ?? 1)...(endLine ?? Int.max) }

    /// Whether a claim on `self` conflicts with one on `other` (see the type's rule).
    public func overlaps(_ other: FileRegion) -> Bool {
        guard path == other.path else { return false }
        if isWholeFile || other.isWholeFile { return true }
        switch (symbol, other.symbol) {
        case (let a?, let b?):
            if a == b { return true }
            return hasLines && other.hasLines && lines.overlaps(other.lines)
        case (_?, nil): return !hasLines || lines.overlaps(other.lines)
        case (nil, _?): return !other.hasLines || lines.overlaps(other.lines)
        case (nil, nil): return lines.overlaps(other.lines)
        }
    }

    /// How a claim on this region reads: `path`, `path:10-20`, `path:10-`, `path:-20`, `path#symbol`.
    public var description: String { FileClaimSpelling.text(path: path, startLine: startLine, endLine: endLine, symbol: symbol) }

    /// Validates lines (≥ 1, start ≤ end) and the symbol (1–200 bytes, one line).
    func validated() throws(PortDaddyError) -> FileRegion {
        if let start = startLine, start < 1 { throw .invalidRequest("lines start at 1 (\(description))") }
        if let end = endLine, end < 1 { throw .invalidRequest("lines start at 1 (\(description))") }
        if let start = startLine, let end = endLine, start > end { throw .invalidRequest("start line after end line (\(description))") }
        if let symbol, symbol.isEmpty || symbol.utf8.count > 200 || symbol.contains(where: \.isNewline) {
            throw .invalidRequest("a symbol is 1 to 200 bytes on one line")
        }
        return self
    }
}

extension FileClaimInfo {
    /// The region this claim covers.
    public var region: FileRegion { FileRegion(path: path, startLine: startLine, endLine: endLine, symbol: symbol) }
}
