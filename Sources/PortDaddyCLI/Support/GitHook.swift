import Foundation
import PortDaddyClient

/// A git hook that a `pd` command installs: written into the repository's hooks folder (`git rev-parse --git-path
/// hooks`, so worktrees and `core.hooksPath` are honoured), replaced only when an earlier `pd` wrote it (its marker
/// line is in it), never when it is someone else's.
struct GitHook {
    /// The hook's file name, e.g. `pre-commit`.
    var name: String
    /// The comment line that marks the hook as ours, e.g. `Installed by pd guard --install`.
    var marker: String
    /// What the hook does, for the comment under the marker.
    var purpose: String
    /// The shell lines after the comment (the command is pd's absolute path and arguments, quoted).
    var body: String

    /// Why the hook cannot be installed: a foreign hook of that name exists.
    struct Foreign: Error {
        var path: String
    }

    /// Writes the hook (mode 755) in the repository of `top` and returns its path; throws `Foreign` for a hook that
    /// is not ours.
    func install(top: String) throws -> String {
        let hooks = try Git.run(["rev-parse", "--git-path", "hooks"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let dir = hooks.hasPrefix("/") ? hooks : top + "/" + hooks
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        if FileManager.default.fileExists(atPath: path), !((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains(marker) {
            throw Foreign(path: path)
        }
        try "#!/bin/sh\n# \(marker): \(purpose)\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// pd's own absolute path, quoted for a hook's shell line.
    static var pd: String { "\"\(DaemonLauncher.executablePath())\"" }
}
