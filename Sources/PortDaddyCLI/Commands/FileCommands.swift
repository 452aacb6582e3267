import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

extension PD {
    /// `pd claim-files <path[:L1-L2]…> [--symbol NAME] [--force]`.
    struct ClaimFiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "claim-files", abstract: "Claim files, line ranges or a symbol for your active session (advisory; exit 4 if held).",
            discussion: """
                PATH claims the whole file; PATH:10-20 lines 10 to 20; PATH:10- from line 10 to the end; PATH:-20 from the \
                start to line 20. A whole-file claim conflicts with every region of the file; ranges conflict when they \
                overlap. Each grant gets a fencing token (strictly increasing per path) and records the SHA-256 of the file.
                """)
        @Argument(help: "Paths, each optionally with :L1-L2.") var paths: [String]
        @Option(name: .long, help: "Claim this symbol of the file (with a range: the lines it spans).") var symbol: String?
        @Flag(name: .long, help: "Take them even if another session holds them.") var force = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let specs = try paths.map(FileClaimSpec.init(parsing:))
            let client = try global.client()
            let request = FileClaimRequest(paths: [], force: force ? true : nil, targets: specs.map { $0.target(symbol: symbol) })
            let response = try attempt { try client.claimFiles(request) }
            if global.json { return global.output.json(response) }
            for claim in response.claims { global.output.line("claimed \(claim.spelled) (token \(claim.token ?? 0))") }
        }
    }

    /// `pd who-owns <path>`.
    struct WhoOwns: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "who-owns", abstract: "Show which sessions hold a file (exit 5 if none).")
        @Argument(help: "Path.") var path: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let real = realPaths([path])[0]
            let response = try attempt { try client.fileOwner(real) }
            if global.json { global.output.json(response) }
            guard !response.claims.isEmpty else { throw CLIError("nobody claims \(real)", exitCode: PDExit.notFound) }
            if global.json { return }
            for claim in response.claims {
                global.output.line("\(claim.spelled): \(claim.agentID) (session \(claim.sessionID), \(Output.age(sinceMillis: claim.claimedAt)))")
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
            global.output.table(
                ["PATH", "AGENT", "SESSION", "TOKEN"],
                response.claims.map { [$0.spelled, $0.agentID, $0.sessionID, $0.token.map(String.init) ?? "-"] })
        }
    }
}
