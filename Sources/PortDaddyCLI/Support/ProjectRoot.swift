import Foundation
import PortDaddyStackConfig

/// The project a command runs in: the nearest `.portdaddyrc` from the current directory upward.
struct ProjectRoot {
    var root: String
    var project: String
    var defaults: AgentDefaults

    /// The nearest valid `.portdaddyrc` (its folder, project and agent launch defaults), or nil.
    static func nearest() -> ProjectRoot? {
        guard let current = folder(holding: StackConfig.fileName, from: FileManager.default.currentDirectoryPath),
            let config = try? StackConfig.load(root: current)
        else { return nil }
        let d = config.agentDefaults
        return ProjectRoot(
            root: current, project: config.project, defaults: AgentDefaults(backend: d.backend, model: d.model, budget: d.budget, timeout: d.timeout))
    }

    /// The nearest folder holding `.git` (a repository or a worktree), or nil.
    static func gitRoot() -> String? { folder(holding: ".git", from: FileManager.default.currentDirectoryPath) }

    /// The nearest folder from `start` upward (`start` included) that holds an entry named `name`.
    static func folder(holding name: String, from start: String) -> String? {
        var current = start
        while !FileManager.default.fileExists(atPath: current + "/" + name) {
            let parent = (current as NSString).deletingLastPathComponent
            guard parent != current else { return nil }
            current = parent
        }
        return current
    }
}
