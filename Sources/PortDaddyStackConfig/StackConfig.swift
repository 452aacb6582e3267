import Foundation
import PortDaddyAPI

/// A project's `.portdaddyrc`: its services, how to run them, and what each needs first.
public struct StackConfig: Sendable, Equatable {
    public enum RestartPolicy: String, Sendable, Equatable, CaseIterable {
        case no
        case onFailure = "on-failure"
        case always
    }

    public struct Service: Sendable, Equatable {
        public var name: String
        public var cmd: String
        public var dir: String?
        public var env: [String: String]
        public var needs: [String]
        public var healthPath: String?
        public var healthCmd: [String]?
        public var port: Int?
        public var noPort: Bool
        /// A task that runs to completion (a migration, a seed, a build step): it is done when it exits 0, and
        /// the services that need it start then.
        public var oneshot: Bool
        public var restart: RestartPolicy
        /// Restarts in a row (without a minute of uptime between them) before the service is left exited.
        public var restartLimit: Int
        public var readyTimeoutSeconds: Double
        /// Repeat the readiness check (`healthPath` or `healthCmd`) this often once ready; nil: after ready only
        /// check, without a request, that the process lives and its port is still bound.
        public var healthIntervalSeconds: Double?
    }

    public var project: String
    public var services: [String: Service]
    /// `agents.defaults`: what `pd agent "task"` launches with when its flags leave something out.
    public var agentDefaults = AgentLaunchDefaults()
    /// `guard`: what `pd guard` (the pre-commit hook) checks in this project.
    public var guardMode = GuardMode.standard

    /// `pd guard`'s mode: `default` refuses staged files another live session holds; `strict` also wants an
    /// active session holding every staged file with the path's latest fencing token.
    public enum GuardMode: String, Sendable, Equatable {
        case standard = "default"
        case strict
    }

    /// The launch defaults of `pd agent` (`agents.defaults` in `.portdaddyrc`).
    public struct AgentLaunchDefaults: Sendable, Equatable {
        public var backend: String?
        public var model: String?
        /// USD, as written (a string or a number).
        public var budget: String?
        /// A duration, as written ("30m").
        public var timeout: String?
    }

    /// Service names in dependency order: each inner array can start together once the earlier ones are ready.
    public var startOrder: [[String]] {
        var remaining = Set(services.keys)
        var done = Set<String>()
        var levels: [[String]] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { services[$0]!.needs.allSatisfy(done.contains) }.sorted()
            guard !ready.isEmpty else { break }  // cycles are rejected by validation
            levels.append(ready)
            done.formUnion(ready)
            remaining.subtract(ready)
        }
        return levels
    }
}

/// Every problem found in a `.portdaddyrc`, each with its JSON path.
public struct StackConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

extension StackConfig {
    static let serviceKeys: Set<String> = [
        "cmd", "dir", "env", "needs", "healthPath", "healthCmd", "port", "noPort", "oneshot", "restart", "restartLimit", "readyTimeout",
        "healthInterval",
    ]

    /// Parses and validates; reports every problem at once, each as `path: what is wrong`.
    public static func parse(_ data: Data) throws(StackConfigErrors) -> StackConfig {
        var problems: [String] = []
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw StackConfigErrors(problems: ["(root): not valid JSON"])
        }
        guard let root = json as? [String: Any] else { throw StackConfigErrors(problems: ["(root): must be an object"]) }
        for key in root.keys.sorted() where !["project", "services", "agents", "guard", "$schema"].contains(key) {
            problems.append("\(key): unknown key (expected project, services, agents, guard)")
        }
        var guardMode = GuardMode.standard
        if let raw = root["guard"] {
            if let mode = (raw as? String).flatMap(GuardMode.init(rawValue:)) {
                guardMode = mode
            } else {
                problems.append("guard: must be \"strict\" or \"default\"")
            }
        }
        let agentDefaults = parseAgents(root["agents"], &problems)
        var project = ""
        if let raw = root["project"] as? String, let id = try? Identity(parsing: raw), id.segments.count == 1 {
            project = id.description
        } else {
            problems.append("project: must be a name of a-z, 0-9, '.', '_', '-' (one identity segment)")
        }
        var services: [String: Service] = [:]
        guard let rawServices = root["services"] as? [String: Any], !rawServices.isEmpty else {
            problems.append("services: must be an object with at least one service")
            throw StackConfigErrors(problems: problems)
        }
        for name in rawServices.keys.sorted() {
            let path = "services.\(name)"
            guard (try? Identity(parsing: name))?.segments == [name] else {
                problems.append("\(path): service names use a-z, 0-9, '.', '_', '-' (lower case, no ':')")
                continue
            }
            guard let s = rawServices[name] as? [String: Any] else {
                problems.append("\(path): must be an object")
                continue
            }
            for key in s.keys.sorted() where !serviceKeys.contains(key) {
                problems.append("\(path).\(key): unknown key (expected \(serviceKeys.sorted().joined(separator: ", ")))")
            }
            let cmd = s["cmd"] as? String ?? ""
            if cmd.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(path).cmd: required, a non-empty string") }
            var dir: String?
            if let raw = s["dir"] {
                if let d = raw as? String, !d.hasPrefix("/"), !d.split(separator: "/").contains("..") {
                    dir = d
                } else {
                    problems.append("\(path).dir: must be a relative path inside the project")
                }
            }
            var env: [String: String] = [:]
            if let raw = s["env"] {
                if let e = raw as? [String: Any] {
                    for (k, v) in e {
                        if let v = v as? String {
                            env[k] = v
                        } else if let b = Self.jsonBool(v) {
                            env[k] = b ? "true" : "false"
                        } else if let n = v as? NSNumber {
                            env[k] = n.stringValue
                        } else {
                            problems.append("\(path).env.\(k): must be a string")
                        }
                    }
                } else {
                    problems.append("\(path).env: must be an object of strings")
                }
            }
            var needs: [String] = []
            if let raw = s["needs"] {
                if let list = raw as? [Any] {
                    for (i, item) in list.enumerated() {
                        guard let other = item as? String else {
                            problems.append("\(path).needs[\(i)]: must be a service name")
                            continue
                        }
                        if rawServices[other] == nil {
                            problems.append("\(path).needs[\(i)]: unknown service \"\(other)\"")
                        } else if other == name {
                            problems.append("\(path).needs[\(i)]: a service cannot need itself")
                        } else if needs.contains(other) {
                            problems.append("\(path).needs[\(i)]: \"\(other)\" is listed twice")
                        } else {
                            needs.append(other)
                        }
                    }
                } else {
                    problems.append("\(path).needs: must be an array of service names")
                }
            }
            var healthPath: String?
            if let raw = s["healthPath"] {
                if let h = raw as? String, h.hasPrefix("/") { healthPath = h } else { problems.append("\(path).healthPath: must start with /") }
            }
            var healthCmd: [String]?
            if let raw = s["healthCmd"] {
                if let list = raw as? [String], !list.isEmpty {
                    healthCmd = list
                } else {
                    problems.append("\(path).healthCmd: must be a non-empty array of strings (program and arguments, no shell)")
                }
            }
            var port: Int?
            if let raw = s["port"] {
                if let n = Self.jsonInt(raw), PortNumber.range.contains(n) {
                    port = n
                } else {
                    problems.append("\(path).port: must be an integer \(PortNumber.range.lowerBound)-\(PortNumber.range.upperBound)")
                }
            }
            var noPort = false
            if let raw = s["noPort"] {
                if let b = Self.jsonBool(raw) { noPort = b } else { problems.append("\(path).noPort: must be true or false") }
            }
            if noPort && port != nil { problems.append("\(path): port and noPort exclude each other") }
            var oneshot = false
            if let raw = s["oneshot"] {
                if let b = Self.jsonBool(raw) { oneshot = b } else { problems.append("\(path).oneshot: must be true or false") }
            }
            var restart = RestartPolicy.no
            if let raw = s["restart"] {
                if let r = (raw as? String).flatMap(RestartPolicy.init(rawValue:)) {
                    restart = r
                } else {
                    problems.append("\(path).restart: must be one of no, on-failure, always")
                }
            }
            if oneshot && restart == .always { problems.append("\(path): a oneshot task cannot restart always (use on-failure to retry it)") }
            var restartLimit = 5
            if let raw = s["restartLimit"] {
                if let n = Self.jsonInt(raw), (0...1000).contains(n) {
                    restartLimit = n
                } else {
                    problems.append("\(path).restartLimit: must be an integer 0-1000")
                }
            }
            var readyTimeout = 60.0
            if let raw = s["readyTimeout"] {
                if let n = Self.jsonNumber(raw), n > 0, n <= 3600 {
                    readyTimeout = n
                } else if let t = raw as? String, let n = DurationParser.seconds(t), n <= 3600 {
                    readyTimeout = n
                } else {
                    problems.append("\(path).readyTimeout: must be seconds (or a duration such as 90s) up to 1h")
                }
            }
            var healthInterval: Double?
            if let raw = s["healthInterval"] {
                if let n = Self.jsonNumber(raw), n >= 1, n <= 86400 {
                    healthInterval = n
                } else if let t = raw as? String, let n = DurationParser.seconds(t), n >= 1, n <= 86400 {
                    healthInterval = n
                } else {
                    problems.append("\(path).healthInterval: must be seconds (or a duration such as 30s) from 1s up to 24h")
                }
                if healthPath == nil && healthCmd == nil { problems.append("\(path).healthInterval: needs a healthPath or healthCmd to repeat") }
            }
            services[name] = Service(
                name: name, cmd: cmd, dir: dir, env: env, needs: needs, healthPath: healthPath, healthCmd: healthCmd, port: port,
                noPort: noPort, oneshot: oneshot, restart: restart, restartLimit: restartLimit, readyTimeoutSeconds: readyTimeout,
                healthIntervalSeconds: healthInterval)
        }
        problems += variableClashes(Array(rawServices.keys))
        problems += cycles(in: services)
        guard problems.isEmpty else { throw StackConfigErrors(problems: problems) }
        var config = StackConfig(project: project, services: services)
        config.agentDefaults = agentDefaults
        config.guardMode = guardMode
        return config
    }

    /// JSON `true`/`false` only (Foundation also bridges the numbers 0 and 1 to `Bool`).
    static func jsonBool(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else { return nil }
        return number.boolValue
    }

    /// A JSON integer (not a boolean, not a fraction).
    static func jsonInt(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, jsonBool(value) == nil, let n = Int(exactly: number.doubleValue) else { return nil }
        return n
    }

    /// A JSON number (not a boolean).
    static func jsonNumber(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, jsonBool(value) == nil else { return nil }
        return number.doubleValue
    }

    /// Service names become variable names (`api-gw` → `API_GW_PORT`): they must start with a letter, must not
    /// collide once turned into variables, and `pd` is the supervisor's own name in logs.
    static func variableClashes(_ names: [String]) -> [String] {
        var problems: [String] = []
        var byPrefix: [String: [String]] = [:]
        for name in names.sorted() {
            guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else {
                problems.append(
                    "services.\(name): a service name must start with a letter (it becomes \(StackEnvironment.variablePrefix(of: name))_PORT)")
                continue
            }
            if name == "pd" { problems.append("services.pd: the name pd is reserved for the supervisor's own lines") }
            byPrefix[StackEnvironment.variablePrefix(of: name), default: []].append(name)
        }
        for (prefix, same) in byPrefix.sorted(by: { $0.key < $1.key }) where same.count > 1 {
            problems.append("services.\(same[1]): its variables \(prefix)_PORT/\(prefix)_URL would clash with those of \(same[0])")
        }
        return problems
    }

    /// Every dependency cycle, reported once with its path.
    static func cycles(in services: [String: Service]) -> [String] {
        var reported = Set<Set<String>>()
        var problems: [String] = []
        func visit(_ name: String, _ stack: [String]) {
            if let start = stack.firstIndex(of: name) {
                let cycle = Array(stack[start...])
                if reported.insert(Set(cycle)).inserted {
                    problems.append("services.\(cycle[0]).needs: dependency cycle \((cycle + [name]).joined(separator: " → "))")
                }
                return
            }
            for next in services[name]?.needs ?? [] { visit(next, stack + [name]) }
        }
        for name in services.keys.sorted() { visit(name, []) }
        return problems
    }
}
