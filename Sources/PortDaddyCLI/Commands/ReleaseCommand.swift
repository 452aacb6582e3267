import ArgumentParser
import PortDaddyAPI
import PortDaddyClient
import PortDaddyWire

extension PD {
    /// `pd release <identity|port|pattern>`.
    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release claims by identity, port number, or pattern (myapp:*). Releasing nothing is not an error.")

        @Argument(help: "An identity, a port number, or a pattern such as 'myapp:*'.") var target: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let response = try viaIPC(
                global.environment,
                ipc: { connection throws(ClientError) in
                    try connection.call(.release, ReleaseRequest(id: target), as: ReleaseResponse.self)
                }
            ) {
                let client = try global.client()
                return try attempt { try client.release(target) }
            }
            if global.json { return global.output.json(response) }
            if response.released.isEmpty {
                global.output.line("nothing held matches \(target)")
            }
            for item in response.released {
                global.output.line("released \(item.id) (port \(item.port))")
            }
        }
    }
}
