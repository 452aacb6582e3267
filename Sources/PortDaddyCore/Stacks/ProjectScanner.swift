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
    }

    /// All signatures matching `directory`, highest priority first.
    public static func detect(in directory: String, catalog: [FrameworkSignature] = FrameworkCatalog.all) -> [FrameworkSignature] {
        let probe = DirectoryProbe(directory)
        return catalog.filter { sig in sig.rules.allSatisfy { probe.holds($0) } }.sorted { $0.priority > $1.priority }
    }

    /// Walks `root` to `maxDepth` levels and returns the best match of every directory that has one. A
    /// directory whose best match is a monorepo marker (priority ≤ 1) is only reported when nothing below it is.
    public static func scan(_ root: String, maxDepth: Int = 3, catalog: [FrameworkSignature] = FrameworkCatalog.all) -> [Finding] {
        var findings: [Finding] = []
        var markers: [Finding] = []
        func walk(_ path: String, _ relative: String, _ depth: Int) {
            let matches = detect(in: path, catalog: catalog)
            if let best = matches.first {
                // A workspace root usually also has a "dev" script; it is still a workspace marker.
                let marker = matches.first { $0.priority <= 1 }
                if let marker, best.priority <= 1 || ["node-dev", "node-start"].contains(best.id) {
                    markers.append(Finding(directory: relative, signature: marker))
                } else if best.priority <= 1 {
                    markers.append(Finding(directory: relative, signature: best))
                } else {
                    findings.append(Finding(directory: relative, signature: best))
                }
            }
            guard depth < maxDepth, let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
            for entry in entries.sorted() where !skipped.contains(entry) && !entry.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                let child = path + "/" + entry
                guard FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
                // Do not follow symlinked folders out of the tree.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: child)) != nil { continue }
                walk(child, relative == "." ? entry : relative + "/" + entry, depth + 1)
            }
        }
        walk(root, ".", 0)
        return findings.isEmpty ? markers : findings
    }
}

/// Answers detection rules about one directory, reading each file at most once.
final class DirectoryProbe {
    let directory: String
    private var contents: [String: String?] = [:]
    private lazy var entries: [String] = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    private lazy var packageDependencies: Set<String> = {
        guard let text = read("package.json"), let data = text.data(using: .utf8),
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return [] }
        var names = Set<String>()
        for key in ["dependencies", "devDependencies", "peerDependencies"] {
            if let deps = json[key] as? [String: Any] { names.formUnion(deps.keys) }
        }
        return names
    }()

    init(_ directory: String) { self.directory = directory }

    func read(_ relative: String) -> String? {
        if let cached = contents[relative] { return cached }
        let value = (try? String(contentsOfFile: directory + "/" + relative, encoding: .utf8)).map { String($0.prefix(512 * 1024)) }
        contents[relative] = value
        return value
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
        }
    }
}
