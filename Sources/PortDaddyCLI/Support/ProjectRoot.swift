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

    /// The project a file belongs to: the nearest `.portdaddyrc`'s project above it, else the name of the git
    /// repository folder it is in (lowercased), else nil.
    static func project(of path: String) -> String? {
        let start = (path as NSString).deletingLastPathComponent
        if let folder = folder(holding: StackConfig.fileName, from: start), let config = try? StackConfig.load(root: folder) {
            return config.project
        }
        return folder(holding: ".git", from: start).map { (($0 as NSString).lastPathComponent).lowercased() }
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
