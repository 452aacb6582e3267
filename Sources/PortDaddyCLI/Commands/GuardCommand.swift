import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyStackConfig

extension PD {
    /// `pd guard [--strict] [--install]`: a pre-commit check of the staged files against file claims.
    struct Guard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no staged file is claimed by another live session (for a git pre-commit hook).",
            discussion: """
                Exits 4 naming each file and what to do. --strict (or "guard": "strict" in .portdaddyrc) also requires \
                an active session that holds every staged file with the file's latest fencing token, so a claim that was \
                salvaged and re-granted fails. --install writes .git/hooks/pre-commit.
                """)
        @Flag(name: .long, help: "Write the pre-commit hook into this repository.") var install = false
        @Flag(name: .long, help: "Require your session to hold every staged file with its latest token.") var strict = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let top = try Git.topLevel()
            if install { return try installHook(top: top) }
            guard let mode = StackConfig.guardMode(root: top) else {
                throw CLIError("\(top)/\(StackConfig.fileName): guard must be \"strict\" or \"default\"", exitCode: PDExit.usage)
            }
            let strict = strict || mode == .strict
            let staged = try Git.staged(top: top)
            guard !staged.isEmpty else { return }
            let client = try global.client()
            let response = try attempt { try client.checkFiles(FileCheckRequest(paths: realPaths(staged), strict: strict ? true : nil)) }
            if global.json { global.output.json(response) }
            var failures = response.conflicts.map {
                "\($0.spelled): held by \($0.agentID) (session \($0.sessionID)): coordinate with it, or pd claim-files \($0.path) --force"
            }
            if strict {
                if response.sessionID == nil {
                    throw CLIError(
                        "guard --strict: agent \(client.agentID ?? AgentContext.current()) has no active session; run pd begin and pd claim-files "
                            + staged.joined(separator: " ") + Self.details(response.problems ?? []),
                        exitCode: PDExit.refused)
                }
                let conflicted = Set(response.conflicts.map(\.path))
                failures += (response.problems ?? []).filter { !conflicted.contains($0.path) || $0.reason == .stale }.map(Self.describe)
            }
            guard failures.isEmpty else {
                throw CLIError("guard refuses the commit: " + failures.joined(separator: "; "), exitCode: PDExit.refused)
            }
        }

        static func describe(_ problem: FileCheckProblem) -> String {
            switch problem.reason {
            case .unclaimed: return "\(problem.path): not claimed by your session: \(problem.action)"
            case .stale:
                return "\(problem.path): your token \(problem.token ?? 0) is stale (latest \(problem.latestToken ?? 0)): \(problem.action)"
            }
        }

        static func details(_ problems: [FileCheckProblem]) -> String {
            let stale = problems.filter { $0.reason == .stale }
            return stale.isEmpty ? "" : " (" + stale.map(describe).joined(separator: "; ") + ")"
        }

        func installHook(top: String) throws {
            let command = GitHook.pd + " guard" + (strict ? " --strict" : "")
            let hook = GitHook(
                name: "pre-commit", marker: "Installed by pd guard --install",
                purpose: "refuse to commit files another agent's session holds.", body: "exec \(command)")
            do {
                let path = try hook.install(top: top)
                global.output.line("installed \(path)" + (strict ? " (strict)" : ""))
            } catch let foreign as GitHook.Foreign {
                throw CLIError("\(foreign.path) exists; add a line running `\(command)` to it yourself")
            }
        }
    }
}
