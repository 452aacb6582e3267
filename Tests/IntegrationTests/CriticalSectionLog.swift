import Foundation
import Testing

/// The log `pd with-lock` commands append to in the contention tests: each writes `start TOKEN`, then `end TOKEN`.
enum CriticalSectionLog {
    /// The shell script each contender runs (`sh -c SCRIPT sh LOG`).
    static let script = #"echo "start $PD_LOCK_TOKEN" >> "$1"; sleep 0.01; echo "end $PD_LOCK_TOKEN" >> "$1""#

    /// Checks that no two sections overlapped (every `start` is followed by its own `end`) and returns the tokens in
    /// the order the sections ran.
    static func tokens(at path: String, sections: Int) throws -> [Int] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 2 * sections)
        var tokens: [Int] = []
        for pair in stride(from: 0, to: lines.count - 1, by: 2) {
            let start = lines[pair].split(separator: " "), end = lines[pair + 1].split(separator: " ")
            #expect(start.first == "start" && end.first == "end" && start.last == end.last, "interleaved at line \(pair)")
            tokens.append(Int(start.last ?? "") ?? -1)
        }
        return tokens
    }
}
