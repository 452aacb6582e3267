import Foundation
import PortDaddyAPI
import PortDaddySystem

/// A claim as written on the command line: `PATH`, `PATH:10-20`, `PATH:10-` (to the end of the file), `PATH:-20`
/// (from the start) or `PATH:15` (one line). A suffix that is not a line range stays part of the path.
struct FileClaimSpec: Equatable {
    var path: String
    var startLine: Int?
    var endLine: Int?

    init(path: String, startLine: Int? = nil, endLine: Int? = nil) {
        self.path = path
        self.startLine = startLine
        self.endLine = endLine
    }

    /// Splits a line range off `raw`; throws (exit 2) on a range that names line 0 or runs backwards.
    init(parsing raw: String) throws {
        self.init(path: raw)
        guard let colon = raw.lastIndex(of: ":"), colon != raw.startIndex else { return }
        let suffix = raw[raw.index(after: colon)...]
        let digits = { (s: Substring) in !s.isEmpty && s.allSatisfy(\.isASCII) && s.allSatisfy(\.isNumber) }
        let bounds = suffix.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        if bounds.count == 1 {
            guard digits(bounds[0]) else { return }
            startLine = Int(bounds[0])
            endLine = startLine
        } else {
            guard bounds[0].isEmpty || digits(bounds[0]), bounds[1].isEmpty || digits(bounds[1]), !(bounds[0].isEmpty && bounds[1].isEmpty)
            else { return }
            startLine = bounds[0].isEmpty ? nil : Int(bounds[0])
            endLine = bounds[1].isEmpty ? nil : Int(bounds[1])
        }
        path = String(raw[..<colon])
        if startLine == 0 || endLine == 0 {
            throw CLIError("\(raw): lines start at 1", exitCode: PDExit.usage)
        }
        if let start = startLine, let end = endLine, start > end { throw CLIError("\(raw): the range runs backwards", exitCode: PDExit.usage) }
    }

    /// The claim to send: the real path, the symbol, and the SHA-256 of the file as it is now (nil if it does not
    /// exist yet).
    func target(symbol: String?) -> FileClaimTarget {
        let real = realPaths([path])[0]
        return FileClaimTarget(
            path: real, startLine: startLine, endLine: endLine, symbol: symbol, contentHash: ContentHash.ofFile(atPath: real))
    }
}
