import Foundation

/// The default identity context of a checkout: its git branch, or the worktree folder's name when HEAD is
/// detached, so two worktrees of one repository get different, stable identities (`myapp:web:feature-x`).
public enum WorktreeContext {
    /// The context for a project whose `.portdaddyrc` is in `directory`, or `nil` outside git.
    public static func detect(from directory: String) -> String? {
        var dir = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<64 {
            let dotGit = dir.appendingPathComponent(".git")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDir) {
                let gitDir = isDir.boolValue ? dotGit : linkedGitDir(dotGit, base: dir)
                guard let gitDir else { return nil }
                if let branch = branch(gitDir) { return sanitize(branch) }
                return sanitize(dir.lastPathComponent)
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
        return nil
    }

    /// A worktree's `.git` file says `gitdir: <path>`.
    static func linkedGitDir(_ file: URL, base: URL) -> URL? {
        guard let text = try? String(contentsOf: file, encoding: .utf8), text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }

    /// The branch HEAD points at, or `nil` when detached.
    static func branch(_ gitDir: URL) -> String? {
        guard let head = try? String(contentsOf: gitDir.appendingPathComponent("HEAD"), encoding: .utf8) else { return nil }
        let line = head.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("ref: refs/heads/") else { return nil }
        return String(line.dropFirst("ref: refs/heads/".count))
    }

    /// A DNS-label-safe identity segment: lower case `a-z0-9-`, at most 40 characters.
    public static func sanitize(_ raw: String) -> String? {
        var out = ""
        for scalar in raw.lowercased().unicodeScalars {
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            if ok { out.unicodeScalars.append(scalar) } else if !out.hasSuffix("-") { out += "-" }
        }
        let trimmed = String(out.trimmingCharacters(in: CharacterSet(charactersIn: "-")).prefix(40))
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? nil : trimmed
    }
}
