import Foundation
import PortDaddySystem

/// git, run directly (argv, never a shell) in the current directory.
enum Git {
    /// Runs git and returns its stdout; a failure is a CLI error naming the subcommand.
    static func run(_ arguments: [String]) throws -> String {
        let result = try captured(arguments)
        guard result.status == 0 else {
            if arguments.first == "rev-parse" { throw CLIError("not inside a git repository (git rev-parse failed)") }
            throw CLIError("git \(arguments.first ?? "") failed (exit \(result.status))")
        }
        return result.stdout
    }

    /// Runs git and returns what happened, whatever its status (`includingStderr`: stderr mixed into stdout).
    static func captured(_ arguments: [String], includingStderr: Bool = false) throws -> CapturedRun {
        do {
            return try CapturedRun.run("git", arguments, environment: ProcessInfo.processInfo.environment, includingStderr: includingStderr)
        } catch {
            throw CLIError("cannot run git: \(error.description)", exitCode: PDExit.commandNotRunnable)
        }
    }

    /// The work tree's top folder.
    static func topLevel() throws -> String { try run(["rev-parse", "--show-toplevel"]).trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Absolute paths of the staged files.
    static func staged(top: String) throws -> [String] {
        try run(["diff", "--cached", "--name-only", "-z"]).split(separator: "\0").map { top + "/" + $0 }
    }
}
