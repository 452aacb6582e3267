import Foundation

/// Turns a service's `cmd` into a program and arguments.
///
/// A plain command (words, `${NAME}` references) runs directly: it is split on whitespace and each `${NAME}` is
/// replaced from the service's environment. A command that uses the shell (quotes, pipes, `&&`, redirects, globs,
/// `$VAR`, an assignment prefix) runs as `/bin/sh -c <cmd>` exactly as written, with the same variables in its
/// environment, so the shell expands them the same way.
public enum ServiceCommandLine {
    static let shellCharacters: Set<Character> = ["|", "&", ";", "<", ">", "(", ")", "$", "`", "\\", "\"", "'", "*", "?", "[", "]", "#", "~", "\n"]

    /// The launch for `command` in `environment`.
    public static func launch(_ command: String, environment: [String: String], directory: String, captureOutput: Bool = true) -> LaunchSpec {
        if needsShell(command) {
            return LaunchSpec(
                executable: "/bin/sh", arguments: ["-c", command], environment: environment, directory: directory, captureOutput: captureOutput)
        }
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { substitute(String($0), environment) }
        return LaunchSpec(
            executable: words[0], arguments: Array(words.dropFirst()), environment: environment, directory: directory, captureOutput: captureOutput)
    }

    /// Whether `command` needs a shell once its `${NAME}` references are set aside.
    public static func needsShell(_ command: String) -> Bool {
        let plain = removingReferences(command)
        if plain.contains(where: shellCharacters.contains) { return true }
        let first = plain.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
        return first.contains("=") || first.isEmpty
    }

    /// `${NAME}` references in `command`.
    public static func references(in command: String) -> [String] {
        var names: [String] = []
        var rest = Substring(command)
        while let start = rest.range(of: "${") {
            let after = rest[start.upperBound...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = after[..<close]
            if isVariableName(name) { names.append(String(name)) }
            rest = after[after.index(after: close)...]
        }
        return names
    }

    static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || first.isLetter else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    static func removingReferences(_ command: String) -> String {
        var result = command
        for name in Set(references(in: command)) { result = result.replacingOccurrences(of: "${\(name)}", with: "x") }
        return result
    }

    static func substitute(_ word: String, _ environment: [String: String]) -> String {
        var result = word
        for name in Set(references(in: word)) { result = result.replacingOccurrences(of: "${\(name)}", with: environment[name] ?? "") }
        return result
    }
}
