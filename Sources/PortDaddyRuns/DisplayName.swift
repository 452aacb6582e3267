import Foundation

/// A run's public label: the name the user gave, else the first four significant words of the task, title-cased
/// ("summarize the latest auth diff" → "Summarize Latest Auth Diff").
public enum DisplayName {
    /// Words that carry no meaning in a label.
    static let insignificant: Set<String> = [
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "with", "at", "by", "from", "into", "please", "is", "be",
    ]

    /// The label for a run: `given` trimmed when not empty, else derived from `task`, else "Agent".
    public static func make(given: String?, task: String) -> String {
        if let given = given?.trimmingCharacters(in: .whitespacesAndNewlines), !given.isEmpty { return String(given.prefix(80)) }
        let words = task.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "-_.")) }
            .filter { !$0.isEmpty && !insignificant.contains($0.lowercased()) }
        let chosen = words.prefix(4).map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }
        return chosen.isEmpty ? "Agent" : chosen.joined(separator: " ")
    }
}
