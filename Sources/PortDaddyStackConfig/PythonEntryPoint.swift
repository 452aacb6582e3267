import Foundation

/// Where a Python web app object lives, found by reading the modules a project most likely keeps it in.
///
/// `pd scan` uses it to write a command that imports the app from the project root: `uvicorn app.main:app` for
/// the official FastAPI layout (`app/__init__.py` + `app/main.py`), `flask --app app run` for an `app.py` or a
/// `create_app` factory in `app/__init__.py`, `--app-dir src` for a `src/<package>/` layout.
public struct PythonEntryPoint: Sendable, Equatable {
    /// The import root relative to the project directory (`src` for a src layout), or `nil` for the directory itself.
    public var importRoot: String?
    /// The dotted module, e.g. `app.main`, `app` (a package's `__init__.py`), `main`.
    public var module: String
    /// The variable holding the app (`app = FastAPI()` → `app`), or the factory function's name.
    public var attribute: String
    /// Whether `attribute` is a factory (`def create_app():`) to be called rather than an app object.
    public var isFactory: Bool

    /// The modules searched, in order, below the project directory and below every package in it (a folder with
    /// `__init__.py`, directly or under `src/`).
    static let rootModules = ["main.py", "app.py", "server.py", "api.py", "asgi.py", "wsgi.py", "application.py", "run.py"]
    static let packageModules = ["main.py", "__init__.py", "app.py", "server.py", "api.py", "asgi.py", "wsgi.py", "application.py"]
    /// Factory function names frameworks look for (Flask's own discovery uses these two).
    static let factoryNames = ["create_app", "make_app"]

    /// The first module in `directory` that constructs one of `constructors` (e.g. `FastAPI`) at module level, or
    /// failing that, defines a factory that mentions one.
    public static func find(in directory: String, constructors: [String]) -> PythonEntryPoint? {
        let candidates = candidateFiles(in: directory)
        for file in candidates {
            guard let text = read(directory + "/" + file.path) else { continue }
            if let name = assignedName(in: text, constructors: constructors) {
                return PythonEntryPoint(importRoot: file.importRoot, module: file.module, attribute: name, isFactory: false)
            }
        }
        for file in candidates {
            guard let text = read(directory + "/" + file.path), constructors.contains(where: { text.contains($0 + "(") }) else { continue }
            for factory in factoryNames where text.contains("def \(factory)(") {
                return PythonEntryPoint(importRoot: file.importRoot, module: file.module, attribute: factory, isFactory: true)
            }
        }
        return nil
    }

    /// A module file and how it is imported.
    struct Candidate: Equatable {
        var path: String
        var importRoot: String?
        var module: String
    }

    /// Root modules first, then the likely modules of each package (top-level packages, then `src/` ones), sorted.
    static func candidateFiles(in directory: String) -> [Candidate] {
        let fm = FileManager.default
        var result = rootModules.map { Candidate(path: $0, importRoot: nil, module: String($0.dropLast(3))) }
        for (root, prefix) in [(nil as String?, ""), ("src", "src/")] {
            let base = directory + "/" + prefix
            let folders = ((try? fm.contentsOfDirectory(atPath: base)) ?? []).sorted()
            for folder in folders where !folder.hasPrefix(".") && !ProjectScanner.skipped.contains(folder) && folder != "tests" {
                guard fm.fileExists(atPath: base + folder + "/__init__.py") else { continue }
                for module in packageModules {
                    let dotted = module == "__init__.py" ? folder : folder + "." + module.dropLast(3)
                    result.append(Candidate(path: prefix + folder + "/" + module, importRoot: root, module: dotted))
                }
            }
        }
        return result.filter { fm.fileExists(atPath: directory + "/" + $0.path) }
    }

    /// The name bound at module level to a call of one of `constructors`: `app = FastAPI(`, `app: FastAPI = FastAPI(`,
    /// `application = flask.Flask(`.
    static func assignedName(in text: String, constructors: [String]) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            guard let first = line.first, first.isLetter || first == "_" else { continue }  // module level only
            let name = line.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            var rest = line.dropFirst(name.count).drop { $0 == " " }
            if rest.first == ":" { rest = rest.drop { $0 != "=" } }  // a type annotation
            guard rest.first == "=", rest.dropFirst().first != "=" else { continue }
            let value = rest.dropFirst().drop { $0 == " " }
            for constructor in constructors {
                let call = value.drop { $0 != "(" }
                let callee = value.dropLast(call.count)
                if !call.isEmpty, callee == constructor || callee.hasSuffix("." + constructor) { return String(name) }
            }
        }
        return nil
    }

    static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8)).map { String($0.prefix(256 * 1024)) }
    }

    /// `module:attribute` for uvicorn, with `--factory` and `--app-dir` when needed.
    public var uvicornTarget: String {
        var words: [String] = []
        if let importRoot { words += ["--app-dir", importRoot] }
        if isFactory { words.append("--factory") }
        words.append(module + ":" + attribute)
        return words.joined(separator: " ")
    }

    /// The value of `flask --app`: the module's path for a src layout (Flask then puts `src` on `sys.path`), else
    /// its dotted name; Flask finds `app`/`application` or a `create_app`/`make_app` factory itself.
    public var flaskTarget: String {
        guard let importRoot else { return module }
        return importRoot + "/" + module.replacingOccurrences(of: ".", with: "/")
    }
}
