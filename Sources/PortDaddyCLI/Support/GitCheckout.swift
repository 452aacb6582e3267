import Foundation
import PortDaddyAPI
import PortDaddyStackConfig
import PortDaddySystem

/// The git checkout `pd` runs in, as declared channels see it: the repository key (the canonical
/// `git rev-parse --git-common-dir`, the same for every worktree) and the keys of the scopes.
struct GitCheckout {
    /// The canonical common git dir: the key under which the daemon keeps the repository's declarations.
    let repo: String
    /// This worktree's keys.
    let keys: ScopeKeys

    /// The scope keys of one worktree: its branch slug (its folder slug when HEAD is detached, as for stacks), its
    /// folder slug, and the repository's project slug.
    struct ScopeKeys: Equatable {
        var branch: String?
        var worktree: String?
        var project: String?

        /// The key a channel of `scope` gets in this worktree (`nil` for global, which has none).
        func key(for scope: ChannelScope) -> String? {
            switch scope {
            case .branch: branch
            case .worktree: worktree
            case .repo: project
            case .global: nil
            }
        }
    }

    /// The checkout of the current directory, or `nil` outside git (or when git cannot run): names then stay literal.
    static func current() -> GitCheckout? {
        guard let out = try? git(["rev-parse", "--path-format=absolute", "--git-common-dir", "--show-toplevel"]) else { return nil }
        let lines = out.split(separator: "\n").map(String.init)
        guard lines.count == 2 else { return nil }
        let repo = canonical(lines[0])
        let top = URL(fileURLWithPath: lines[1])
        let keys = ScopeKeys(
            branch: WorktreeContext.detect(from: top.path), worktree: WorktreeContext.sanitize(top.lastPathComponent),
            project: project(ofCommonDir: repo))
        return GitCheckout(repo: repo, keys: keys)
    }

    /// The keys of every worktree of the repository (`git worktree list --porcelain`), this one included.
    func worktrees() -> [ScopeKeys] {
        guard let out = try? Self.git(["worktree", "list", "--porcelain"]) else { return [keys] }
        var all: [ScopeKeys] = []
        for block in out.components(separatedBy: "\n\n") {
            var folder: String?
            var branch: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("worktree ") { folder = URL(fileURLWithPath: String(line.dropFirst("worktree ".count))).lastPathComponent }
                if line.hasPrefix("branch refs/heads/") { branch = String(line.dropFirst("branch refs/heads/".count)) }
                if line == "bare" { folder = nil }
            }
            guard let folder else { continue }
            let slug = WorktreeContext.sanitize(folder)
            // The rule of WorktreeContext.detect: the branch's slug, the folder's when HEAD is detached.
            all.append(ScopeKeys(branch: branch.map(WorktreeContext.sanitize) ?? slug, worktree: slug, project: keys.project))
        }
        return all.isEmpty ? [keys] : all
    }

    /// The project of a repository: its main worktree's folder (`/src/myapp/.git` → `myapp`), or a bare
    /// repository's name without `.git`.
    static func project(ofCommonDir dir: String) -> String? {
        let url = URL(fileURLWithPath: dir)
        let name = url.lastPathComponent == ".git" ? url.deletingLastPathComponent().lastPathComponent : url.lastPathComponent
        return WorktreeContext.sanitize(name.hasSuffix(".git") ? String(name.dropLast(4)) : name)
    }

    /// A path with symbolic links resolved, so every worktree sends the same key.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Runs git directly (no shell) in the current directory; its stdout, or `nil` when it fails.
    static func git(_ arguments: [String]) throws -> String? {
        let result = try CapturedRun.run("git", arguments, environment: ProcessInfo.processInfo.environment)
        return result.status == 0 ? result.stdout : nil
    }
}

extension GitCheckout {
    /// The current checkout, or a usage error: declarations belong to a repository.
    static func required() throws -> GitCheckout {
        guard let checkout = current() else {
            throw CLIError("not inside a git repository: declared channels belong to a repository", exitCode: PDExit.usage)
        }
        return checkout
    }
}
