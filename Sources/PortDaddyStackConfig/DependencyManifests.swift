import Foundation

/// A language ecosystem whose dependency manifests `pd scan` reads.
public enum Ecosystem: String, Sendable, Equatable, CaseIterable {
    /// `requirements*.txt`, `pyproject.toml` (PEP 621 and Poetry), `Pipfile`.
    case python
    /// `Gemfile` (`gem "name"`).
    case ruby
    /// `go.mod` (`require` module paths).
    case go
    /// `Cargo.toml` (`[dependencies]` and friends).
    case rust
    /// `composer.json` (`require`, `require-dev`).
    case php
    /// `mix.exs` (`{:name, …}`).
    case elixir
}

/// Reads the dependency names a directory's manifests declare, one ecosystem at a time.
///
/// The parsers are deliberately small: they read the declarations dev projects actually write (one dependency per
/// line or per array entry) and ignore comments, versions, markers and extras. Names are compared normalized: lower
/// case, `_` and `.` as `-` for Python (PEP 503).
enum DependencyManifests {
    /// The dependency names declared in `directory` for `ecosystem`, read through `probe`.
    static func names(_ ecosystem: Ecosystem, in probe: DirectoryProbe) -> Set<String> {
        switch ecosystem {
        case .python:
            var names = Set<String>()
            for file in probe.entries where file.hasPrefix("requirements") && file.hasSuffix(".txt") {
                names.formUnion(requirements(probe.read(file) ?? ""))
            }
            if let text = probe.read("pyproject.toml") { names.formUnion(pyproject(text)) }
            if let text = probe.read("Pipfile") { names.formUnion(tomlTableKeys(text, tables: ["packages", "dev-packages"])) }
            return Set(names.map(normalizedPython))
        case .ruby:
            return Set(
                lines(probe.read("Gemfile")).compactMap { line in
                    guard line.hasPrefix("gem ") || line.hasPrefix("gem(") else { return nil }
                    return quotedStrings(line).first
                })
        case .go:
            // `require x v1` and the lines of a `require ( … )` block: the first word is the module path.
            var names = Set<String>()
            var inBlock = false
            for line in lines(probe.read("go.mod")) {
                if line.hasPrefix("require (") {
                    inBlock = true
                    continue
                }
                if inBlock && line.hasPrefix(")") {
                    inBlock = false
                    continue
                }
                let words = line.split(separator: " ").map(String.init)
                if inBlock, let first = words.first { names.insert(first) }
                if !inBlock, words.first == "require", words.count > 1 { names.insert(words[1]) }
            }
            return names
        case .rust:
            return tomlTableKeys(probe.read("Cargo.toml") ?? "", tables: ["dependencies", "dev-dependencies", "workspace.dependencies"])
        case .php:
            guard let object = probe.json("composer.json") else { return [] }
            var names = Set<String>()
            for key in ["require", "require-dev"] {
                if let table = object[key] as? [String: Any] { names.formUnion(table.keys) }
            }
            return Set(names.map { $0.lowercased() })
        case .elixir:
            var names = Set<String>()
            for line in lines(probe.read("mix.exs")) {
                var rest = Substring(line)
                while let open = rest.range(of: "{:") {
                    let name = rest[open.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                    if !name.isEmpty { names.insert(String(name)) }
                    rest = rest[open.upperBound...]
                }
            }
            return names
        }
    }

    /// Whether `name` is declared for `ecosystem`. A Go module matches at any major version
    /// (`github.com/labstack/echo` matches `github.com/labstack/echo/v4`).
    static func declares(_ ecosystem: Ecosystem, _ name: String, in probe: DirectoryProbe) -> Bool {
        let names = probe.dependencies(ecosystem)
        switch ecosystem {
        case .python: return names.contains(normalizedPython(name))
        case .go: return names.contains { $0 == name || ($0.hasPrefix(name + "/v") && $0.dropFirst(name.count + 2).allSatisfy(\.isNumber)) }
        default: return names.contains(name)
        }
    }

    /// Lines without comments (`#`, and `//` for go.mod) and surrounding blanks; empty lines dropped.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).compactMap { raw in
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if let slashes = line.range(of: "//") { line = line[..<slashes.lowerBound] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// The name at the start of a PEP 508 requirement (`Django>=5.2; python_version > "3.9"` → `Django`).
    static func requirementName(_ requirement: String) -> String? {
        let name = requirement.trimmingCharacters(in: .whitespaces).prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        return name.isEmpty ? nil : String(name)
    }

    /// `requirements.txt`: one requirement per line; options (`-r`, `-e`, `--index-url`) skipped.
    static func requirements(_ text: String) -> [String] {
        lines(text).filter { !$0.hasPrefix("-") }.compactMap(requirementName)
    }

    /// `pyproject.toml`: PEP 621 `dependencies = [...]`, `[project.optional-dependencies]` and
    /// `[dependency-groups]` arrays, and Poetry's dependency tables.
    static func pyproject(_ text: String) -> Set<String> {
        var names = tomlTableKeys(text, tables: ["tool.poetry.dependencies", "tool.poetry.dev-dependencies", "tool.poetry.group.dev.dependencies"])
        let arrayTables: Set<String> = ["project.optional-dependencies", "dependency-groups"]
        var table = ""
        var inArray = false
        for line in lines(text) {
            if !inArray, line.hasPrefix("[") {
                table = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                continue
            }
            if !inArray, let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                let opensArray = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces).hasPrefix("[")
                inArray = opensArray && ((table == "project" && key == "dependencies") || arrayTables.contains(table))
            }
            guard inArray else { continue }
            names.formUnion(quotedStrings(line).compactMap(requirementName))
            if line.hasSuffix("]") { inArray = false }
        }
        return names
    }

    /// The keys of the named TOML tables (`[dependencies]` → `serde = "1"` → `serde`).
    static func tomlTableKeys(_ text: String, tables: Set<String>) -> Set<String> {
        var names = Set<String>()
        var inTable = false
        for line in lines(text) {
            if line.hasPrefix("[") {
                inTable = tables.contains(line.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")))
                continue
            }
            guard inTable, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            if !key.isEmpty { names.insert(key) }
        }
        return names
    }

    /// The contents of every `"…"` or `'…'` string on a line, in order.
    static func quotedStrings(_ line: String) -> [String] {
        var strings: [String] = []
        var quote: Character?
        var current = ""
        for character in line {
            if let open = quote {
                if character == open {
                    strings.append(current)
                    current = ""
                    quote = nil
                } else {
                    current.append(character)
                }
            } else if character == "\"" || character == "'" {
                quote = character
            }
        }
        return strings
    }

    /// PEP 503 normalization: `Flask_SQLAlchemy` → `flask-sqlalchemy`.
    static func normalizedPython(_ name: String) -> String {
        String(name.lowercased().map { $0 == "_" || $0 == "." ? "-" : $0 })
    }
}
