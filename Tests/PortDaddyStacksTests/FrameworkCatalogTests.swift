import Foundation
import PortDaddyCore
import Testing

@testable import PortDaddyStackConfig
@testable import PortDaddyStacks

private enum FixtureError: Error, CustomStringConvertible {
    case cannotCreate(String)
    case unsatisfiable(String, String)

    var description: String {
        switch self {
        case .cannotCreate(let path): return "could not create \(path)"
        case .unsatisfiable(let path, let text): return "fixture \(path) does not contain \(text)"
        }
    }
}

@Suite("Framework catalog")
struct FrameworkCatalogTests {
    @Test("ids are unique, commands are present, and every port can be set")
    func wellFormed() {
        let all = FrameworkCatalog.all
        #expect(all.count >= 60)

        let ids = all.map(\.id)
        var seen: Set<String> = []
        var duplicates: [String] = []
        for id in ids where !seen.insert(id).inserted {
            duplicates.append(id)
        }
        #expect(duplicates.isEmpty, "duplicate ids: \(duplicates)")

        let allowed: Set<Character> = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        for sig in all {
            #expect(!sig.id.isEmpty && sig.id.allSatisfy { allowed.contains($0) }, "bad id \(sig.id)")
            #expect(!sig.name.isEmpty, "\(sig.id) has no name")
            #expect(!sig.rules.isEmpty, "\(sig.id) has no rules")
            #expect(!sig.devCommand.trimmingCharacters(in: .whitespaces).isEmpty, "\(sig.id) has an empty dev command")
            if sig.defaultPort != nil {
                #expect(sig.devCommand.contains("${PORT}") || sig.portEnv != nil, "\(sig.id) has a port but no way to set it")
            }
        }
    }

    @Test("specific frameworks outrank the generic ones they build on")
    func priorities() throws {
        func priority(_ id: String) throws -> Int {
            try #require(FrameworkCatalog.all.first(where: { $0.id == id }), "missing \(id)").priority
        }
        let outranks: [(String, String)] = [
            ("nextjs", "vite"), ("nextjs", "create-react-app"), ("vite", "express"), ("express", "node-dev"),
            ("node-dev", "node-start"), ("sveltekit", "vite"), ("remix", "vite"), ("nestjs", "express"),
            ("django", "python-main"), ("fastapi", "starlette"), ("dash", "flask"), ("flask", "python-app"),
            ("rails", "rack"), ("sinatra", "rack"), ("laravel", "php"), ("wordpress", "php"),
            ("gin", "go"), ("axum", "rust"), ("fresh", "deno"), ("blazor", "aspnet-core"),
            ("bun", "node-dev"), ("node-dev", "turborepo"), ("static-site", "nx"),
        ]
        for (winner, loser) in outranks {
            #expect(try priority(winner) > priority(loser), "\(winner) should outrank \(loser)")
        }
        // The scanner reports priority <= 1 as monorepo markers, so only workspace roots may sit there.
        let markers = Set(FrameworkCatalog.all.filter { $0.priority <= 1 }.map(\.id))
        #expect(markers == ["turborepo", "nx", "pnpm-workspace", "npm-workspaces"])
        for id in markers {
            let sig = try #require(FrameworkCatalog.all.first(where: { $0.id == id }))
            #expect(sig.defaultPort == nil && sig.healthPath == nil, "\(id) should have no port or health path")
        }
    }

    @Test("no generated command runs a reloader or file watcher that outlives a crashed server")
    func noReloaders() {
        for sig in FrameworkCatalog.all {
            let words = sig.devCommand.split(separator: " ")
            for flag in ["--reload", "--debug", "--watch", "--hmr", "--dev"] {
                #expect(!words.contains(Substring(flag)), "\(sig.id) runs \(flag): \(sig.devCommand)")
            }
        }
    }

    @Test("a health path is only written where the project guarantees it")
    func guaranteedHealthPaths() {
        for sig in FrameworkCatalog.all where sig.healthPath != nil {
            #expect(sig.healthRule != nil, "\(sig.id) has health path \(sig.healthPath!) without a rule that guarantees it")
        }
        #expect(FrameworkCatalog.all.filter { $0.healthPath != nil }.map(\.id) == ["rails"])
    }

    @Test("each framework is detected from a minimal fixture", arguments: FrameworkCatalog.all.map(\.id))
    func detectedFromMinimalFixture(id: String) throws {
        let sig = try #require(FrameworkCatalog.all.first(where: { $0.id == id }))
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("pd-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        try Self.materialize(sig, in: dir)
        let matches = ProjectScanner.detect(in: dir)

        #expect(matches.contains(where: { $0.id == id }), "\(id) not detected; matched \(matches.map(\.id))")
        let higher = matches.filter { $0.priority > sig.priority }.map(\.id)
        #expect(higher.isEmpty, "\(id) (priority \(sig.priority)) loses to \(higher)")
    }

    /// Builds the smallest directory that satisfies every rule of `sig`.
    static func materialize(_ sig: FrameworkSignature, in dir: String) throws {
        let fm = FileManager.default
        var dependencies: [String: String] = [:]
        var packageTexts: [String] = []
        var needsPackageJSON = false

        func fullPath(_ relative: String) -> String {
            (dir as NSString).appendingPathComponent(relative)
        }

        func touch(_ relative: String) throws {
            if relative == "package.json" {
                needsPackageJSON = true
                return
            }
            let full = fullPath(relative)
            if relative.hasSuffix("/") {
                try fm.createDirectory(atPath: full, withIntermediateDirectories: true)
                return
            }
            let parent = (full as NSString).deletingLastPathComponent
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if !fm.fileExists(atPath: full) {
                guard fm.createFile(atPath: full, contents: Data()) else {
                    throw FixtureError.cannotCreate(full)
                }
            }
        }

        func append(_ text: String, to relative: String) throws {
            try touch(relative)
            let full = fullPath(relative)
            let existing = (try? String(contentsOfFile: full, encoding: .utf8)) ?? ""
            try (existing + text + "\n").write(toFile: full, atomically: true, encoding: .utf8)
        }

        func apply(_ rule: DetectionRule) throws {
            switch rule {
            case .file(let path):
                try touch(path)
            case .anyFile(let paths):
                if let first = paths.first {
                    try touch(first)
                }
            case .packageDependency(let name):
                needsPackageJSON = true
                dependencies[name] = "*"
            case .fileContains(let path, let text):
                if path == "package.json" {
                    needsPackageJSON = true
                    packageTexts.append(text)
                } else {
                    try append(text, to: path)
                }
            case .fileSuffix(let suffix):
                try touch("app" + suffix)
            case .dependency(let ecosystem, let name):
                switch ecosystem {
                case .python: try append(name + ">=1.0", to: "requirements.txt")
                case .ruby: try append("gem \"\(name)\"", to: "Gemfile")
                case .go: try append("require \(name)/v4 v4.11.0", to: "go.mod")
                case .rust: try append("[dependencies]\n\(name) = \"1\"", to: "Cargo.toml")
                case .php: try append(#"{"require": {"\#(name)": "^11.0"}}"#, to: "composer.json")
                case .elixir: try append("defp deps, do: [{:\(name), \"~> 1.7\"}]", to: "mix.exs")
                }
            case .pythonApp(let constructors):
                try append("from web import \(constructors[0])\napp = \(constructors[0])()", to: "main.py")
            case .anyOf(let rules):
                if let first = rules.first { try apply(first) }
            }
        }
        for rule in sig.rules { try apply(rule) }

        guard needsPackageJSON else { return }

        // package.json is written once so that every rule that touches it is merged into one object.
        var object: [String: Any] = [:]
        if !dependencies.isEmpty {
            object["dependencies"] = dependencies
        }
        var scripts: [String: String] = [:]
        var loose: [String] = []
        for text in packageTexts {
            let key = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let isQuotedWord = text.hasPrefix("\"") && text.hasSuffix("\"") && !key.isEmpty && !key.contains("\"")
            if key == "dev" || key == "start" || key == "build" || key == "serve" {
                scripts[key] = "x"
            } else if key == "workspaces" {
                object["workspaces"] = [String]()
            } else if isQuotedWord {
                object[key] = "x"
            } else {
                loose.append(text)
            }
        }
        if !scripts.isEmpty {
            object["scripts"] = scripts
        }
        if !loose.isEmpty {
            object["fixture"] = loose
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let packagePath = fullPath("package.json")
        guard fm.createFile(atPath: packagePath, contents: data) else {
            throw FixtureError.cannotCreate(packagePath)
        }
        let written = try String(contentsOfFile: packagePath, encoding: .utf8)
        for text in packageTexts where !written.contains(text) {
            throw FixtureError.unsatisfiable(packagePath, text)
        }
    }
}
