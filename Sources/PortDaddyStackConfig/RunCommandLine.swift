import Foundation

/// What `pd run` does to the command it is about to become: `{port}` substituted in any argument, and the port
/// and loopback-host flags of a dev server it recognizes (`DevServerTool`) added, unless the user gave a port.
///
/// A pure function of the arguments, the port and the project's `package.json` scripts: no shell, no side effects.
public enum RunCommandLine {
    /// The literal token replaced by the port anywhere in an argument (`python3 -m http.server {port}`).
    public static let portToken = "{port}"

    /// The rewritten command and what was done to it.
    public struct Rewrite: Sendable, Equatable {
        /// The arguments to execute (argv[0] first).
        public var arguments: [String]
        /// The arguments added for the port and host, in order (empty when nothing was added).
        public var added: [String]
        /// The recognized dev server, e.g. `vite`.
        public var tool: String?
        /// How it was found, when through a package.json script: `package.json script "dev"`.
        public var script: String?
        /// Whether `{port}` occurred and was replaced.
        public var substituted: Bool
    }

    /// Rewrites `argv` for `port`, reading the scripts of `directory/package.json` when the command runs one.
    public static func rewrite(_ argv: [String], port: Int, inject: Bool = true, directory: String) -> Rewrite {
        rewrite(argv, port: port, inject: inject, scripts: packageScripts(in: directory))
    }

    /// Rewrites `argv` for `port`, with `scripts` as the project's package.json scripts.
    public static func rewrite(_ argv: [String], port: Int, inject: Bool = true, scripts: [String: String]) -> Rewrite {
        let substituted = argv.contains { $0.contains(portToken) }
        var result = Rewrite(
            arguments: argv.map { $0.replacingOccurrences(of: portToken, with: String(port)) }, added: [], tool: nil, script: nil,
            substituted: substituted)
        // A `{port}` means the user placed the port themselves.
        guard inject, !substituted, !argv.isEmpty else { return result }
        if let (scriptName, separator, userArguments) = packageScript(argv, scripts: scripts), let body = scripts[scriptName] {
            guard let invocation = lastCommand(of: body), let (tool, arguments) = recognize(invocation[...]) else { return result }
            let added = additions(tool, arguments: arguments + userArguments, port: port)
            result.tool = tool.id
            result.script = "package.json script \"\(scriptName)\""
            guard !added.isEmpty else { return result }
            result.added = added
            result.arguments = argv + (separator && !userArguments.contains("--") ? ["--"] : []) + added
            return result
        }
        guard let (tool, arguments) = recognize(argv[...]) else { return result }
        let added = additions(tool, arguments: Array(arguments), port: port)
        result.tool = tool.id
        guard !added.isEmpty else { return result }
        result.added = added
        // Before a `--` that ends the tool's options; otherwise at the end.
        var out = result.arguments
        out.insert(contentsOf: added, at: out.firstIndex(of: "--") ?? out.endIndex)
        result.arguments = out
        return result
    }

    // MARK: Recognizing the program

    /// Interpreters whose first argument names the program (`python3 manage.py`, `php artisan`, `node …/vite`).
    static func isInterpreter(_ name: String) -> Bool {
        if name.hasPrefix("python") { return name.dropFirst(6).allSatisfy { $0.isNumber || $0 == "." } }
        return ["php", "ruby", "node"].contains(name)
    }

    /// Launchers whose next word is the program: `npx vite`, `bundle exec rails`, `poetry run uvicorn`.
    static let launchers: [String: Set<String>] = [
        "npx": [""], "bunx": [""], "pnpx": [""], "uvx": [""], "pnpm": ["exec", "dlx"], "yarn": ["exec", "dlx"], "bun": ["x"],
        "bundle": ["exec"], "poetry": ["run"], "uv": ["run"], "pipenv": ["run"], "pdm": ["run"], "hatch": ["run"], "rye": ["run"],
        "env": [""], "cross-env": [""],
    ]

    /// The tool `argv` runs and the arguments after the program word, looking through launchers and interpreters.
    static func recognize(_ argv: ArraySlice<String>) -> (DevServerTool, ArraySlice<String>)? {
        var words = argv
        for _ in 0..<4 {
            guard let first = words.first else { return nil }
            let name = programName(first)
            var rest = words.dropFirst()
            if let verbs = launchers[name] {
                if !verbs.contains("") {
                    guard let verb = rest.first, verbs.contains(verb) else { break }
                    rest = rest.dropFirst()
                }
                // Launcher options (`npx --yes`) and environment assignments (`env A=b`) come before the program.
                words = rest.drop { $0.hasPrefix("-") || isAssignment($0) }
                continue
            }
            if isInterpreter(name) {
                rest = rest.drop { $0.hasPrefix("-") && $0 != "-m" }
                if rest.first == "-m", rest.count > 1 {
                    words = rest.dropFirst()  // `python -m flask` → the module name is the program
                    continue
                }
                guard let script = rest.first, !script.hasPrefix("-") else { return nil }
                words = rest
                continue
            }
            break
        }
        guard let first = words.first else { return nil }
        let name = programName(first)
        let arguments = words.dropFirst()
        let positionals = Set(options(arguments).positionals)
        for tool in DevServerTool.all where tool.programs.contains(name) {
            let serves: Bool
            if tool.serving.isEmpty {
                serves = positionals.isDisjoint(with: tool.notServing)
            } else {
                serves = !positionals.isDisjoint(with: tool.serving) || (tool.servesBare && positionals.isEmpty)
            }
            if serves { return (tool, arguments) }
        }
        return nil
    }

    /// `node_modules/.bin/vite` → `vite`; `vite@5` → `vite`; `@11ty/eleventy` keeps its last component.
    static func programName(_ word: String) -> String {
        let last = word.split(separator: "/").last.map(String.init) ?? word
        guard let at = last.dropFirst().firstIndex(of: "@") else { return last }
        return String(last[..<at])
    }

    static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return word[..<equals].allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// Options that take the next word as their value, so it is not read as a positional.
    static let valueOptions: Set<String> = [
        "--app", "-A", "--settings", "--pythonpath", "--directory", "-d", "--bind", "-b", "--protocol", "--config", "-c", "--mode",
    ]

    /// The positional words of `arguments` (before any `--`), skipping the values of `valueOptions`.
    static func options(_ arguments: ArraySlice<String>) -> (positionals: [String], flags: [String]) {
        var positionals: [String] = []
        var flags: [String] = []
        var skipNext = false
        for word in arguments {
            if word == "--" { break }
            if skipNext {
                skipNext = false
                continue
            }
            if word.hasPrefix("-") {
                flags.append(word)
                skipNext = valueOptions.contains(word)
            } else {
                positionals.append(word)
            }
        }
        return (positionals, flags)
    }

    // MARK: Adding flags

    /// The arguments that give `tool` the port and loopback host, minus whatever `arguments` already say.
    static func additions(_ tool: DevServerTool, arguments: [String], port: Int) -> [String] {
        let (positionals, flags) = options(arguments[...])
        func given(_ names: Set<String>) -> Bool {
            flags.contains { flag in
                names.contains { name in
                    flag == name || flag.hasPrefix(name + "=")
                        || (name.count == 2 && flag.hasPrefix(name) && flag.dropFirst(2).allSatisfy(\.isNumber))  // `-p3000`
                }
            }
        }
        var added: [String] = []
        switch tool.port {
        case .flag(let flag, let extra):
            guard !given(tool.portFlags.union([flag])) else { return [] }
            added = [flag, String(port)] + extra.filter { !given([$0]) }
        case .equals(let flag):
            guard !given(tool.portFlags.union([flag])) else { return [] }
            added = [flag + "=" + String(port)]
        case .positionalAddress:
            guard positionals.filter({ !tool.serving.contains($0) }).isEmpty else { return [] }
            return ["127.0.0.1:\(port)"]
        case .positionalPort:
            guard positionals.isEmpty else { return [] }
            added = [String(port)]
        case .flagAddress(let flag):
            guard !given(tool.portFlags.union([flag])) else { return [] }
            return [flag, "127.0.0.1:\(port)"]
        case .flagURL(let flag):
            guard !given(tool.portFlags.union([flag])) else { return [] }
            return [flag, "http://127.0.0.1:\(port)"]
        }
        if let hostFlag = tool.host.first, !given(tool.hostFlags.union([hostFlag.split(separator: "=")[0].description])) {
            added += tool.host
        }
        return added
    }

    // MARK: package.json scripts

    /// The scripts of `directory/package.json`, or none.
    public static func packageScripts(in directory: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: directory + "/package.json"),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return [:] }
        return (object["scripts"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
    }

    /// For `npm run dev -- --x`, `pnpm dev`, `yarn run dev`, `bun run dev`, `npm start`: the script's name, whether
    /// the package manager needs `--` before arguments meant for the script (npm), and the arguments already given
    /// to the script. `nil` when `argv` does not run a script of `scripts`.
    static func packageScript(_ argv: [String], scripts: [String: String]) -> (String, Bool, [String])? {
        guard let first = argv.first else { return nil }
        let manager = programName(first)
        guard ["npm", "pnpm", "yarn", "bun"].contains(manager) else { return nil }
        var rest = argv.dropFirst().drop { $0.hasPrefix("-") }
        guard let verb = rest.first else { return nil }
        rest = rest.dropFirst()
        let name: String
        if ["run", "run-script", "rum", "urn"].contains(verb) {
            rest = rest.drop { $0.hasPrefix("-") && $0 != "--" }  // `npm run --silent dev`
            guard let script = rest.first, script != "--" else { return nil }
            name = script
            rest = rest.dropFirst()
        } else if verb == "start" || (manager != "npm" && scripts[verb] != nil) {
            name = verb  // `npm start`, and `pnpm dev` / `yarn dev` / `bun dev` for a script called dev
        } else {
            return nil
        }
        guard scripts[name] != nil else { return nil }
        var userArguments = Array(rest)
        if manager == "npm" {
            // npm passes on only what follows `--`.
            userArguments = Array(rest.drop { $0 != "--" }.dropFirst())
            return (name, !rest.contains("--"), userArguments)
        }
        return (name, false, userArguments)
    }

    /// The words of the command a script ends with, where appended arguments land (`tsc && vite` → `vite`). `nil`
    /// for scripts whose last command pipes, backgrounds, redirects or substitutes (appending there is guesswork).
    static func lastCommand(of script: String) -> [String]? {
        var last = script
        for separator in ["&&", "||", ";"] {
            if let range = last.range(of: separator, options: .backwards) { last = String(last[range.upperBound...]) }
        }
        guard !last.contains(where: { "|&<>`".contains($0) }), !last.contains("$(") else { return nil }
        let words = last.split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        let command = Array(words.drop(while: isAssignment))
        return command.isEmpty ? nil : command
    }
}
