import PortDaddyAPI

/// Why a client call failed.
public enum ClientError: Error, CustomStringConvertible, Sendable {
    /// The daemon could not be reached.
    case unreachable(endpoint: String, reason: String)
    /// The daemon answered with an error.
    case daemon(status: Int, body: ErrorBody)
    /// The answer was not what the protocol promises.
    case protocolError(String)
    case invalidURL(String)
    /// Starting the daemon did not work.
    case autostartFailed(String)

    public var description: String {
        switch self {
        case .unreachable(let endpoint, let reason):
            return "Port Daddy is not reachable at \(endpoint) (\(reason)); start it with pd start"
        case .daemon(_, let body): return body.error
        case .protocolError(let why): return "unexpected answer from the daemon: \(why)"
        case .invalidURL(let url): return "PORT_DADDY_URL \"\(url)\" is not valid; use http://127.0.0.1:9876"
        case .autostartFailed(let why): return "could not start the Port Daddy daemon: \(why)"
        }
    }

    /// The stable error code, where the daemon sent one.
    public var code: String? {
        if case .daemon(_, let body) = self { return body.code }
        return nil
    }
}
