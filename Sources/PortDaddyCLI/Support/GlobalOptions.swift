import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

/// Options every command takes.
public struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON.")
    public var json = false

    @Option(name: .long, help: "Data dir (default $PORT_DADDY_HOME or ~/.port-daddy).")
    public var home: String?

    @Option(name: .long, help: "Daemon URL, e.g. http://127.0.0.1:9876 (default $PORT_DADDY_URL, else the Unix socket).")
    public var url: String?

    public init() {}

    /// The environment with command-line overrides applied.
    public var environment: PortDaddyEnvironment {
        var env = PortDaddyEnvironment.current()
        if let home {
            let socketOverride = PortDaddyEnvironment.value("PORT_DADDY_SOCKET")
            env = PortDaddyEnvironment(home: home, socketPath: socketOverride, url: env.url, tcpPort: env.tcpPort, noAutostart: env.noAutostart)
        }
        if let url { env.url = url }
        return env
    }

    /// A client that starts the daemon if needed.
    public func client() throws -> PortDaddyClient {
        do {
            let client = try PortDaddyClient.connecting(to: environment)
            client.agentID = AgentContext.current()
            client.token = userToken(for: client.endpoint)
            return client
        } catch { throw CLIError(error) }
    }

    /// A client that never starts the daemon (for status, stop, doctor).
    public func passiveClient() throws -> PortDaddyClient {
        do {
            let client = PortDaddyClient(endpoint: try DaemonEndpoint.from(environment))
            client.agentID = AgentContext.current()
            client.token = userToken(for: client.endpoint)
            return client
        } catch { throw CLIError(error) }
    }

    public var output: Output { Output() }

    /// Over TCP, the user's token (`PORT_DADDY_TOKEN`, else the data dir's token file); the socket needs none.
    func userToken(for endpoint: DaemonEndpoint) -> String? {
        Self.userToken(for: endpoint, environment: environment)
    }

    /// The same for any environment (the fast path has no options object).
    static func userToken(for endpoint: DaemonEndpoint, environment: PortDaddyEnvironment) -> String? {
        guard case .tcp = endpoint else { return nil }
        if let token = PortDaddyEnvironment.value("PORT_DADDY_TOKEN") { return token }
        guard let data = FileManager.default.contents(atPath: environment.tokenFile) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingWhitespace()
    }
}

/// Runs a client call, turning its errors into CLI errors.
package func attempt<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ClientError { throw CLIError(error) }
}
