import Foundation

/// Finds frameworks in a project tree (`pd scan`): a bounded walk that skips dependency and build folders,
/// and a table of signatures evaluated per directory.
public enum ProjectScanner {
    /// Folders never descended into.
    public static let skipped: Set<String> = [
        "node_modules", ".git", ".hg", ".svn", ".build", "build", "dist", "out", "target", "vendor", "venv", ".venv",
        "env", "__pycache__", ".next", ".nuxt", ".svelte-kit", ".turbo", "coverage", "Pods", "DerivedData", "bin", "obj",
        ".idea", ".vscode", "tmp", ".cache", "deps", "_build",
    ]

    /// One detected service.
    public struct Finding: Sendable, Equatable {
        /// Directory relative to the scanned root (`.` for the root).
        public var directory: String
        public var signature: FrameworkSignature
        /// The command to run it, from the project directory: the signature's `devCommand` with `{app}` filled in.
        public var command: String
        /// The signature's health path where it is guaranteed in this project, else `nil`.
        public var healthPath: String?
        /// Something the user should check, e.g. that the app object was not found and the command guesses.
        public var note: String?

        public init(directory: String, signature: FrameworkSignature, command: String? = nil, healthPath: String? = nil, note: String? = nil) {
            self.directory = directory
            self.signature = signature
            self.command = command ?? signature.devCommand
            self.healthPath = healthPath
            self.note = note
        }
    }

    /// The finding for `signature` in `path` (shown as `relative`): its command and health path for this project.
    static func finding(_ signature: FrameworkSignature, at path: String, relative: String, probe: DirectoryProbe) -> Finding {
        var command = signature.devCommand
        var note: String?
        switch signature.app {
        case .uvicorn(let constructors, let fallback):
            let entry = probe.pythonEntry(constructors)
            command = command.replacingOccurrences(of: "{app}", with: entry?.uvicornTarget ?? fallback)
            if entry == nil { note = "no module constructs \(constructors.joined(separator: " or ")); the command guesses \(fallback)" }
        case .flask(let fallback):
            let entry = probe.pythonEntry(["Flask"])
            command = command.replacingOccurrences(of: "{app}", with: entry?.flaskTarget ?? fallback)
            if entry == nil { note = "no module constructs Flask; the command guesses --app \(fallback)" }
        case nil:
            break
        }
        let guaranteed = signature.healthRule.map(probe.holds) ?? true
        let health = guaranteed && signature.defaultPort != nil ? signature.healthPath : nil
        return Finding(directory: relative, signature: signature, command: command, healthPath: health, note: note)
    }

    /// All signatures matching `directory`, highest priority first.
    public static func detect(in directory: String, catalog: [FrameworkSignature] = FrameworkCatalog.all) -> [FrameworkSignature] {
        detect(DirectoryProbe(directory), catalog: catalog)
    }

    static func detect(_ probe: DirectoryProbe, catalog: [FrameworkSignature]) -> [FrameworkSignature] {
        catalog.filter { sig in sig.rules.allSatisfy { probe.holds($0) } }.sorted { $0.priority > $1.priority }
    }

    /// Walks `root` to `maxDepth` levels and returns the best match of every directory that has one. A
    /// directory whose best match is a monorepo marker (priority ≤ 1) is only reported when nothing below it is.
    /// A Python package (a folder with `__init__.py`) and anything below a Python framework's directory is part
    /// of that project, never a Python project of its own (FastAPI's `app/main.py` runs as `app.main:app` from
    /// the project root, not as `main:app` from `app/`).
    public static func scan(_ root: String, maxDepth: Int = 3, catalog: [FrameworkSignature] = FrameworkCatalog.all) -> [Finding] {
        var findings: [Finding] = []
        var markers: [Finding] = []
        let nonPython = catalog.filter { $0.language != "Python" }
        func walk(_ path: String, _ relative: String, _ depth: Int, _ insidePython: Bool) {
            let probe = DirectoryProbe(path)
            let matches = detect(probe, catalog: insidePython || probe.exists("__init__.py") ? nonPython : catalog)
            let pythonProject = insidePython || matches.first.map { $0.language == "Python" && $0.priority >= 10 } ?? false
            if let best = matches.first {
                // A workspace root usually also has a "dev" script; it is still a workspace marker.
                let marker = matches.first { $0.priority <= 1 }
                if let marker, best.priority <= 1 || ["node-dev", "node-start"].contains(best.id) {
                    markers.append(finding(marker, at: path, relative: relative, probe: probe))
                } else {
                    findings.append(finding(best, at: path, relative: relative, probe: probe))
                }
            }
            guard depth < maxDepth, let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
            for entry in entries.sorted() where !skipped.contains(entry) && !entry.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                let child = path + "/" + entry
                guard FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
                // Do not follow symlinked folders out of the tree.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: child)) != nil { continue }
                walk(child, relative == "." ? entry : relative + "/" + entry, depth + 1, pythonProject)
            }
        }
        walk(root, ".", 0, false)
        return findings.isEmpty ? markers : findings
    }
}

/// Answers detection rules about one directory, reading each file at most once.
final class DirectoryProbe {
    let directory: String
    private var contents: [String: String?] = [:]
    /// The names directly in the directory.
    private(set) lazy var entries: [String] = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    private lazy var packageDependencies: Set<String> = {
        guard let json = json("package.json") else { return [] }
        var names = Set<String>()
        for key in ["dependencies", "devDependencies", "peerDependencies"] {
            if let deps = json[key] as? [String: Any] { names.formUnion(deps.keys) }
        }
        return names
    }()
    private var manifests: [Ecosystem: Set<String>] = [:]
    private var entryPoints: [[String]: PythonEntryPoint?] = [:]

    init(_ directory: String) { self.directory = directory }

    func read(_ relative: String) -> String? {
        if let cached = contents[relative] { return cached }
        let value = (try? String(contentsOfFile: directory + "/" + relative, encoding: .utf8)).map { String($0.prefix(512 * 1024)) }
        contents[relative] = value
        return value
    }

    /// A JSON object file, or `nil` when missing or not an object.
    func json(_ relative: String) -> [String: Any]? {
        guard let text = read(relative), let data = text.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// The dependency names this directory's manifests declare for `ecosystem`.
    func dependencies(_ ecosystem: Ecosystem) -> Set<String> {
        if let cached = manifests[ecosystem] { return cached }
        let names = DependencyManifests.names(ecosystem, in: self)
        manifests[ecosystem] = names
        return names
    }

    /// The module constructing one of `constructors`, searched once per list.
    func pythonEntry(_ constructors: [String]) -> PythonEntryPoint? {
        if let cached = entryPoints[constructors] { return cached }
        let entry = PythonEntryPoint.find(in: directory, constructors: constructors)
        entryPoints[constructors] = entry
        return entry
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + relative)
    }

    func holds(_ rule: DetectionRule) -> Bool {
        switch rule {
        case .file(let path): return exists(path)
        case .anyFile(let paths): return paths.contains(where: exists)
        case .packageDependency(let name): return packageDependencies.contains(name)
        case .fileContains(let path, let text): return read(path)?.contains(text) ?? false
        case .fileSuffix(let suffix): return entries.contains { $0.hasSuffix(suffix) }
        case .dependency(let ecosystem, let name): return DependencyManifests.declares(ecosystem, name, in: self)
        case .pythonApp(let constructors): return pythonEntry(constructors) != nil
        case .anyOf(let rules): return rules.contains(where: holds)
        }
    }
}
