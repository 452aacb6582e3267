import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyWire

extension PD {
    /// `pd claim <identity>`: claim a stable port.
    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a stable port for an identity (project[:stack[:context]]).",
            discussion: "Example: PORT=$(pd claim myapp:api -q) npm run dev")

        @Argument(help: "Identity, e.g. myapp or myapp:api:feature-x.") var identity: String
        @Flag(name: .shortAndLong, help: "Print only the port.") var quiet = false
        @Option(name: .long, help: "Claim this specific port; fails (exit 4) if it is taken unless --fallback.") var port: Int?
        @Flag(name: .long, help: "With --port: take another port when that one is taken.") var fallback = false
        @Option(name: .long, help: "Owner PID (default: the parent process of pd).") var pid: Int?
        @Option(name: .long, help: "Free the claim after this long, e.g. 30m, 2h, 1d.") var expires: String?
        @Flag(name: .long, help: "Hold the claim until released, even when its owner exits.") var sticky = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let response = try performClaim(
                identity: identity, port: port, fallback: fallback, pid: pid ?? Int(getppid()), expires: expires, sticky: sticky, global: global)
            if quiet {
                print(response.port)
            } else if global.json {
                global.output.json(response)
            } else {
                let out = global.output
                let note = response.existing ? "kept" : "new"
                out.line("\(out.bold(response.id)) → \(out.green(String(response.port))) (\(note); \(response.message))")
            }
        }
    }
}

/// Claims through the daemon, validating the input first so bad input fails before any connection.
func performClaim(identity: String, port: Int?, fallback: Bool, pid: Int?, expires: String?, sticky: Bool, global: GlobalOptions) throws
    -> ClaimResponse
{
    let id = try identityArgument(identity)
    let port = try portOption(port)
    let pid = try pidOption(pid)
    var ttl: DurationValue?
    if let expires {
        guard let seconds = DurationParser.seconds(expires) else {
            throw CLIError("\"\(expires)\" is not a duration; use e.g. 90s, 15m, 2h, 1d", exitCode: PDExit.usage)
        }
        ttl = DurationValue(seconds: seconds)
    }
    let request = ClaimRequest(id: id, port: port, fallback: fallback ? true : nil, pid: pid, expires: ttl, sticky: sticky ? true : nil)
    return try viaIPC(global.environment, ipc: { connection throws(ClientError) in try connection.call(.claim, request, as: ClaimResponse.self) }) {
        let client = try global.client()
        return try attempt { try client.claim(request) }
    }
}
