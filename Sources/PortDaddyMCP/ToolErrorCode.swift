import MCP
import PortDaddyAPI

/// The code of a failed tool call: every daemon ``ErrorCode``, and the few only the MCP server sends.
enum ToolErrorCode: Equatable, Sendable, CustomStringConvertible {
    case daemon(ErrorCode)
    /// A code this build does not know (a newer daemon), passed on as it came.
    case unknown(String)
    /// The arguments do not fit the tool's schema.
    case invalidArgument
    /// The daemon could not be reached or started.
    case daemonUnreachable
    /// The MCP client cancelled the call.
    case cancelled

    /// The code as the daemon would spell it.
    init(daemonCode raw: String) {
        self = ErrorCode(rawValue: raw).map(ToolErrorCode.daemon) ?? .unknown(raw)
    }

    var description: String {
        switch self {
        case .daemon(let code): return code.rawValue
        case .unknown(let raw): return raw
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .daemonUnreachable: return "DAEMON_UNREACHABLE"
        case .cancelled: return "CANCELLED"
        }
    }

    /// The JSON-RPC error a failed resource read answers with.
    func mcpError(_ message: String) -> MCPError {
        switch self {
        case .daemon(let code): return code.mcpError("\(code): \(message)")
        case .invalidArgument: return .invalidParams(message)
        case .unknown, .daemonUnreachable, .cancelled: return .internalError("\(self): \(message)")
        }
    }
}

extension ErrorCode {
    /// The JSON-RPC error for this code: exhaustive, so a new code does not compile until it says which.
    func mcpError(_ message: String) -> MCPError {
        switch self {
        case .invalidIdentity, .invalidPort, .invalidPID, .invalidDuration, .invalidRequest, .invalidLockName, .invalidChannel,
            .invalidSignal, .invalidAgent, .invalidStackConfig, .bodyTooLarge, .methodNotAllowed, .notFound, .unknownBackend, .invalidPattern,
            .invalidFleetConfig, .webhookAddressRefused, .webhookNotFound:
            return .invalidParams(message)
        case .portUnavailable, .rangeExhausted, .noActiveSession, .sessionActive, .fileClaimed, .lockHeld, .lockTimeout,
            .notLockOwner, .stackConflict, .stackFailed, .stackBusy, .untrustedCaller, .foreignUser, .tokenRequired,
            .forbiddenHost, .forbiddenOrigin, .tooManyConnections, .requestTimeout, .resourceExhausted, .shuttingDown,
            .storage, .internal, .telemetryUnavailable, .budgetRequired, .budgetExceeded, .concurrencyLimit, .invalidRunToken,
            .tupleNotFound, .tupleWaitTimeout, .tupleSpaceFull, .notHarborMember, .cursorMoved, .walletInsufficient, .panicked,
            .panicNotArmed, .graceExhausted, .alreadyKilled, .fileChanged, .webhookLimit, .noteKeyMissing, .noteTampered,
            .clusterUnavailable:
            return .internalError(message)
        }
    }
}
