import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyWire

extension PD {
    /// v1 `get-port <project> [preferred]`: prints only the port.
    struct GetPort: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-port", abstract: "v1: request a port for a project and print only the port.")

        @Argument(help: "Project name.") var project: String
        @Argument(help: "Preferred port (another is assigned, with a warning on stderr, if it is taken).") var preferred: Int?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let preferred = try portOption(preferred)
            let identity = V1Names.identity(fromProject: project)
            do { _ = try Identity(parsing: identity) } catch { throw CLIError(error.description, exitCode: PDExit.usage) }
            let response = try viaIPC(
                global.environment,
                ipc: { connection throws(ClientError) in
                    try connection.call(
                        .getPort, IPCGetPortArguments(project: project, preferred: preferred, pid: PID(system: getppid())), as: V1PortResponse.self)
                }
            ) {
                let client = try global.client()
                return try attempt { try client.requestPort(V1PortRequest(project: project, preferred: preferred), pid: Int(getppid())) }
            }
            if let preferred, response.port != preferred.value { Output.warn(response.message) }
            print(response.port)
        }
    }

    /// v1 `release-port <project|port>`.
    struct ReleasePort: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release-port", abstract: "v1: release a project's port, by project name or port number.")

        @Argument(help: "Project name or port number.") var target: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let request: V1ReleaseRequest
            let port: PortNumber?
            do { port = try PortNumber(parsing: target) } catch { throw CLIError(error) }
            if let port {
                request = V1ReleaseRequest(port: port)
            } else {
                request = V1ReleaseRequest(project: target)
            }
            let response = try attempt { try client.releasePort(request) }
            print(response.message)
        }
    }

    /// v1 `list-ports`: the table with alive/dead marks.
    struct ListPorts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-ports", abstract: "v1: show all active port assignments.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let response = try attempt { try client.activePorts() }
            if global.json { return global.output.json(response) }
            print("PORT DADDY - Active Port Assignments")
            print(String(repeating: "=", count: 60))
            print()
            for row in response.ports {
                let mark = row.alive ? "✅" : "💀"
                print("\(row.port) | \(row.project) | PID:\(row.pid.map(String.init) ?? "-") | \(mark) | \(Output.age(sinceMillis: row.started))")
            }
            if !response.ports.isEmpty { print() }
            print("Total: \(response.count) port(s)")
        }
    }
}
