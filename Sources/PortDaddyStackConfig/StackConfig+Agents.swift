import Foundation

extension StackConfig {
    static let agentDefaultKeys: Set<String> = ["backend", "model", "budget", "timeout"]

    /// `agents: {defaults: {backend, model, budget, timeout}}`, each problem with its path.
    static func parseAgents(_ raw: Any?, _ problems: inout [String]) -> AgentLaunchDefaults {
        var defaults = AgentLaunchDefaults()
        guard let raw else { return defaults }
        guard let agents = raw as? [String: Any] else {
            problems.append("agents: must be an object")
            return defaults
        }
        for key in agents.keys.sorted() where key != "defaults" { problems.append("agents.\(key): unknown key (expected defaults)") }
        guard let values = agents["defaults"] else { return defaults }
        guard let object = values as? [String: Any] else {
            problems.append("agents.defaults: must be an object")
            return defaults
        }
        for key in object.keys.sorted() where !agentDefaultKeys.contains(key) {
            problems.append("agents.defaults.\(key): unknown key (expected \(agentDefaultKeys.sorted().joined(separator: ", ")))")
        }
        func text(_ key: String, numberAllowed: Bool = false) -> String? {
            guard let value = object[key] else { return nil }
            if let string = value as? String, !string.isEmpty { return string }
            if numberAllowed, let number = value as? NSNumber, !(value is Bool) { return number.stringValue }
            problems.append("agents.defaults.\(key): must be a non-empty string" + (numberAllowed ? " or a number" : ""))
            return nil
        }
        defaults.backend = text("backend")
        defaults.model = text("model")
        defaults.budget = text("budget", numberAllowed: true)
        defaults.timeout = text("timeout")
        return defaults
    }
}
