/// Quoting for command lines we print for a person to copy into a POSIX shell (suggested actions, `pd env`):
/// a word of safe characters stays bare, anything else goes in single quotes.
public enum ShellWord {
    /// `value` as one shell word.
    public static func quoted(_ value: String) -> String {
        let safe = value.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@%+=,".contains($0) }
        return safe && !value.isEmpty ? value : "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Words joined into one line, each quoted as needed.
    public static func line(_ words: [String]) -> String { words.map(quoted).joined(separator: " ") }
}
