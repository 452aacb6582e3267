import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyStackConfig
import PortDaddySystem

extension PD {
    /// `pd run <identity> -- <cmd…>`: claim, set PORT, and become the command.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a port, set PORT, and replace pd with the command (which then owns the claim).",
            discussion: """
                Example: pd run myapp:web -- npm run dev

                A dev server pd recognizes (Vite, Next.js, Django runserver, uvicorn, flask run, rails server, \
                Astro, Nuxt, Angular and more, also behind npm/pnpm/yarn/bun scripts) gets its port and \
                127.0.0.1 flags added, unless the command already sets a port; --no-inject turns that off. A \
                literal {port} in any argument becomes the port. No shell is involved.
                """)

        @Argument(help: "Identity.") var identity: String
        @Option(name: .long, help: "Claim this specific port.") var port: Int?
        @Option(name: .long, help: "Free the claim after this long.") var expires: String?
        @Flag(name: .long, inversion: .prefixedNo, help: "Add the port and host flags of a recognized dev server.") var inject = true
        @Flag(name: .shortAndLong, help: "Say on stderr what was added to the command.") var verbose = false
        @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let program = command.first else {
                throw CLIError("give the command after --, e.g. pd run myapp -- npm run dev", exitCode: PDExit.usage)
            }
            // exec keeps the PID and the start time, so the command itself is the owner.
            let response = try performClaim(
                identity: identity, port: port, fallback: false, pid: Int(getpid()), expires: expires, sticky: false, global: global)
            setenv("PORT", String(response.port), 1)
            setenv("PORT_DADDY_IDENTITY", response.id, 1)
            let rewrite = RunCommandLine.rewrite(command, port: response.port, inject: inject, directory: FileManager.default.currentDirectoryPath)
            if verbose { Output.warn(Self.describe(rewrite, port: response.port)) }
            // pd's own thread blocks most signals and the daemon link is open: the command gets a clean start.
            let reason = ChildLauncher.replaceProcess(with: rewrite.arguments[0], arguments: Array(rewrite.arguments.dropFirst()))
            if !response.existing { _ = try? global.client().release(response.id) }
            throw CLIError("cannot run \(program): \(String(cString: strerror(reason)))", exitCode: PDExit.commandNotRunnable)
        }

        /// One line for `--verbose`: what was recognized and added.
        static func describe(_ rewrite: RunCommandLine.Rewrite, port: Int) -> String {
            var parts: [String] = []
            if rewrite.substituted { parts.append("{port} → \(port)") }
            if let tool = rewrite.tool {
                let found = tool + (rewrite.script.map { " (\($0))" } ?? "")
                parts.append(
                    rewrite.added.isEmpty ? "\(found): port already given, nothing added" : "\(found): added \(rewrite.added.joined(separator: " "))")
            }
            if parts.isEmpty { parts.append("no known dev server, nothing added (PORT=\(port) is set)") }
            return "run: " + parts.joined(separator: "; ")
        }
    }
}
