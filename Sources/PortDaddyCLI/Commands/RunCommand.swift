import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddySystem

extension PD {
    /// `pd run <identity> -- <cmd…>`: claim, set PORT, and become the command.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a port, set PORT, and replace pd with the command (which then owns the claim).",
            discussion: "Example: pd run myapp:web -- npm run dev")

        @Argument(help: "Identity.") var identity: String
        @Option(name: .long, help: "Claim this specific port.") var port: Int?
        @Option(name: .long, help: "Free the claim after this long.") var expires: String?
        @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let program = command.first else {
                throw CLIError("give the command after --, e.g. pd run myapp -- npm run dev", exitCode: PDExit.usage)
            }
            // exec keeps the PID and the start time, so the command itself is the owner.
            let response = try performClaim(identity: identity, port: port, fallback: false, pid: Int(getpid()), expires: expires, sticky: false, global: global)
            setenv("PORT", String(response.port), 1)
            setenv("PORT_DADDY_IDENTITY", response.id, 1)
            // pd's own thread blocks most signals and the daemon link is open: the command gets a clean start.
            let reason = ChildLauncher.replaceProcess(with: program, arguments: Array(command.dropFirst()))
            if !response.existing { _ = try? global.client().release(response.id) }
            throw CLIError("cannot run \(program): \(String(cString: strerror(reason)))", exitCode: PDExit.commandNotRunnable)
        }
    }
}
