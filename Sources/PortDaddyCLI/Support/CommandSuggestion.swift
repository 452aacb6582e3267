import ArgumentParser

/// Catches a mistyped command before the parser reads it as an argument, and names the closest real one.
enum CommandSuggestion {
    /// Every top-level command name and alias.
    static var names: [String] {
        PD.configuration.subcommands.flatMap { [$0._commandName] + $0.configuration.aliases } + ["help"]
    }

    /// "unknown command 'sitrep'; did you mean 'status'?" when `word` is no command, else nil.
    static func problem(with word: String) -> String? {
        guard !word.hasPrefix("-"), !names.contains(word) else { return nil }
        let guess = closest(to: word)
        return "unknown command '\(word)'" + (guess.map { "; did you mean '\($0)'?" } ?? "") + " (pd --help lists them all)"
    }

    /// The command nearest to `word` by edit distance (or that it starts), if any is near enough.
    static func closest(to word: String) -> String? {
        let scored = names.map { ($0, distance(word, $0)) }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        if let prefixed = names.filter({ $0.hasPrefix(word) && word.count >= 2 }).sorted().first { return prefixed }
        guard let best = scored.first, best.1 <= max(2, word.count / 2) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
