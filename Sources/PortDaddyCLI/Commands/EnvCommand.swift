import ArgumentParser
import Foundation
import PortDaddyAPI

extension PD {
    /// `pd env <identity>`: claim and print shell exports.
    struct Env: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a port and print it as shell exports, e.g. eval \"$(pd env myapp)\".")

        @Argument(help: "Identity.") var identity: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let response = try performClaim(identity: identity, port: nil, fallback: false, pid: Int(getppid()), expires: nil, sticky: false, global: global)
            if global.json { return global.output.json(["PORT": String(response.port), "PORT_DADDY_IDENTITY": response.id]) }
            global.output.line("export PORT=\(response.port)")
            global.output.line("export PORT_DADDY_IDENTITY=\(response.id)")
        }
    }
}
