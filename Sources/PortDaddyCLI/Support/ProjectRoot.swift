import Foundation
import PortDaddyStackConfig

/// The project a command runs in: the nearest `.portdaddyrc` from the current directory upward.
struct ProjectRoot {
    var root: String
    var project: String
    var defaults: AgentDefaults

    /// The nearest valid `.portdaddyrc` (its folder, project and agent launch defaults), or nil.
    static func nearest() -> ProjectRoot? {
        var current = FileManager.default.currentDirectoryPath
        while !FileManager.default.fileExists(atPath: current + "/" + StackConfig.fileName) {
            let parent = (current as NSString).deletingLastPathComponent
            guard parent != current else { return nil }
            current = parent
        }
        guard let config = try? StackConfig.load(root: current) else { return nil }
        let d = config.agentDefaults
        return ProjectRoot(
            root: current, project: config.project, defaults: AgentDefaults(backend: d.backend, model: d.model, budget: d.budget, timeout: d.timeout))
    }

    /// The nearest folder holding `.git` (a repository or a worktree), or nil.
    static func gitRoot() -> String? {
        var current = FileManager.default.currentDirectoryPath
        while !FileManager.default.fileExists(atPath: current + "/.git") {
            let parent = (current as NSString).deletingLastPathComponent
            guard parent != current else { return nil }
            current = parent
        }
        return current
    }
}
