import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

extension PD {
    /// `pd claim-files <paths…>`.
    struct ClaimFiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "claim-files", abstract: "Claim files for your active session (advisory; exit 4 if another session holds one).")
        @Argument(help: "Paths.") var paths: [String]
        @Flag(name: .long, help: "Take them even if another session holds them.") var force = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.claimFiles(FileClaimRequest(paths: realPaths(paths), force: force ? true : nil)) }
            if global.json { return global.output.json(response) }
            for claim in response.claims { global.output.line("claimed \(claim.path)") }
        }
    }

    /// `pd who-owns <path>`.
    struct WhoOwns: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "who-owns", abstract: "Show which session holds a file (exit 5 if none).")
        @Argument(help: "Path.") var path: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let real = realPaths([path])[0]
            let response = try attempt { try client.fileOwner(real) }
            if global.json { global.output.json(response) }
            guard let claim = response.claims.first else { throw CLIError("nobody claims \(real)", exitCode: PDExit.notFound) }
            if !global.json {
                global.output.line("\(claim.path): \(claim.agentID) (session \(claim.sessionID), \(Output.age(sinceMillis: claim.claimedAt)))")
            }
        }
    }

    /// `pd files`.
    struct Files: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List file claims of active sessions.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.files() }
            if global.json { return global.output.json(response) }
            guard !response.claims.isEmpty else { return global.output.line("no file claims") }
            global.output.table(["PATH", "AGENT", "SESSION"], response.claims.map { [$0.path, $0.agentID, $0.sessionID] })
        }
    }

    /// `pd guard`: a pre-commit check that staged files are not held by another session.
    struct Guard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no staged file is claimed by another live session (for a git pre-commit hook).",
            discussion: "Exits 4 naming the holder otherwise. --install writes .git/hooks/pre-commit.")
        @Flag(name: .long, help: "Write the pre-commit hook into this repository.") var install = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let top = try Self.git(["rev-parse", "--show-toplevel"]).trimmingCharacters(in: .whitespacesAndNewlines)
            if install {
                let hooks = try Self.git(["rev-parse", "--git-path", "hooks"]).trimmingCharacters(in: .whitespacesAndNewlines)
                let dir = hooks.hasPrefix("/") ? hooks : top + "/" + hooks
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let hook = dir + "/pre-commit"
                if FileManager.default.fileExists(atPath: hook),
                    !((try? String(contentsOfFile: hook, encoding: .utf8)) ?? "").contains("Installed by pd guard --install")
                {
                    throw CLIError("\(hook) exists; add a line running `\(DaemonLauncher.executablePath()) guard` to it yourself")
                }
                let script =
                    "#!/bin/sh\n# Installed by pd guard --install: refuse to commit files another agent's session holds.\n"
                    + "exec \"\(DaemonLauncher.executablePath())\" guard\n"
                try script.write(toFile: hook, atomically: true, encoding: .utf8)
                chmod(hook, 0o755)
                return global.output.line("installed \(hook)")
            }
            let staged = try Self.git(["diff", "--cached", "--name-only", "-z"]).split(separator: "\0").map { top + "/" + $0 }
            guard !staged.isEmpty else { return }
            let client = try global.client()
            let response = try attempt { try client.checkFiles(FileCheckRequest(paths: realPaths(staged))) }
            if global.json { global.output.json(response) }
            guard response.conflicts.isEmpty else {
                let list = response.conflicts.map { "\($0.path) (held by \($0.agentID), session \($0.sessionID))" }.joined(separator: "; ")
                throw CLIError("staged files are claimed by another session: \(list)", exitCode: PDExit.portUnavailable)
            }
        }

        /// Runs git directly (no shell) in the current directory and returns its stdout.
        static func git(_ arguments: [String]) throws -> String {
            let result: CapturedRun
            do { result = try CapturedRun.run("git", arguments, environment: ProcessInfo.processInfo.environment) } catch {
                throw CLIError("cannot run git: \(error.description)", exitCode: PDExit.commandNotRunnable)
            }
            guard result.status == 0 else { throw CLIError("not inside a git repository (git \(arguments.first ?? "") failed)") }
            return result.stdout
        }
    }
}
