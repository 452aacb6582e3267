import PortDaddyAPI
import PortDaddyClient

/// Runs a call over the binary IPC socket `pd.ipc` when it is there, else over HTTP (`pd claim`, `get-port`,
/// `pd release`, `pd lock`, `pd unlock`). Both answer with the same structs and the same error codes, so a command
/// prints and exits identically either way. A connection the daemon drops mid-call, or refuses as full, is retried
/// over HTTP.
func viaIPC<T>(_ environment: PortDaddyEnvironment, ipc: (IPCConnection) throws(ClientError) -> T, http: () throws -> T) throws -> T {
    guard let connection = IPCConnection.open(environment) else { return try http() }
    connection.sender = AgentContext.current()
    do throws(ClientError) {
        return try ipc(connection)
    } catch {
        // Dropped mid-call, or the IPC socket is full (HTTP keeps its own room): HTTP answers instead.
        guard case .daemon(_, let body) = error, body.errorCode != .tooManyConnections else { return try http() }
        throw CLIError(error)
    }
}
