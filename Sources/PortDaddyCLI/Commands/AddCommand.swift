import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd add PATH… [--claim] [-- GIT-ADD-ARGS]`: `git add`, refused as a whole when another session holds a file.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stage files with git add unless another live session holds one (all or nothing; exit 4).",
            discussion: """
                Folders stand for their modified and untracked files (git ls-files -m -o --exclude-standard). --claim \
                first claims, for your session, the files it does not hold yet. Then git add [GIT-ADD-ARGS] -- PATHS runs \
                (no shell). The check and the add are two steps, so the check is advisory: pd guard in the pre-commit hook \
                checks again.
                """)
        @Flag(name: .long, help: "Claim the files your session does not hold yet before staging them.") var claim = false
        @OptionGroup var global: GlobalOptions
        @Argument(parsing: .captureForPassthrough, help: "Files or folders to stage, then -- and arguments for git add.")
        var words: [String] = []

        func run() throws {
            // Two lists of positionals (paths, then git's arguments after --) are split here: the parser takes one.
            let cut = words.firstIndex(of: "--") ?? words.endIndex
            let claim = claim || words[..<cut].contains("--claim")
            let paths = words[..<cut].filter { $0 != "--claim" }
            let gitArguments = Array(words[min(cut + 1, words.endIndex)...])
            guard !paths.isEmpty else { throw CLIError("give the files or folders to stage", exitCode: PDExit.usage) }
            if let option = paths.first(where: { $0.hasPrefix("-") }) {
                throw CLIError("put pd's options before the paths (\(option)); git's go after --", exitCode: PDExit.usage)
            }
            _ = try Git.topLevel()
            let files = try Self.expand(paths)
            guard !files.isEmpty else { return global.output.line("nothing to add") }
            let real = realPaths(files)
            let client = try global.client()
            let check = try attempt { try client.checkFiles(FileCheckRequest(paths: real)) }
            if let held = check.conflicts.first {
                let list = check.conflicts.map { "\($0.spelled) (held by \($0.agentID), session \($0.sessionID))" }.joined(separator: "; ")
                throw CLIError(
                    "nothing staged: \(check.conflicts.count == 1 ? "a file is" : "files are") claimed by another session: \(list); "
                        + "coordinate with \(held.agentID), or pd claim-files \(held.path) --force",
                    exitCode: PDExit.refused)
            }
            var claimed: [FileClaimInfo] = []
            if claim {
                let mine = Set(try attempt { try client.files() }.claims.filter { $0.agentID == client.agentID }.map(\.path))
                let wanted = zip(files, real).filter { !mine.contains($0.1) }.map { FileClaimSpec(path: $0.0).target(symbol: nil) }
                if !wanted.isEmpty {
                    claimed = try attempt { try client.claimFiles(FileClaimRequest(paths: [], targets: wanted)) }.claims
                }
            }
            let added = try Git.captured(["add"] + gitArguments + ["--"] + files, includingStderr: true)
            guard added.status == 0 else {
                throw CLIError("git add failed: " + (added.stdout.split(separator: "\n").first.map(String.init) ?? "exit \(added.status)"))
            }
            if global.json { return global.output.json(FileClaimsResponse(claims: claimed)) }
            for claim in claimed { global.output.line("claimed \(claim.spelled) (token \(claim.token ?? 0))") }
            global.output.line("staged \(files.count) file(s)")
        }

        /// Files as given, with each folder replaced by its modified and untracked files (paths as git prints them,
        /// relative to the current folder).
        static func expand(_ paths: some Sequence<String>) throws -> [String] {
            var files: [String] = []
            for path in paths {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    let listed = try Git.run(["ls-files", "-m", "-o", "--exclude-standard", "-z", "--", path])
                    files += listed.split(separator: "\0").map(String.init)
                } else {
                    files.append(path)
                }
            }
            var seen = Set<String>()
            return files.filter { seen.insert($0).inserted }
        }
    }
}
