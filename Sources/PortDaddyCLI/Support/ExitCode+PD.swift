import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

/// The documented exit codes of `pd`.
public enum PDExit {
    public static let ok: Int32 = 0
    /// Something unexpected went wrong.
    public static let failure: Int32 = 1
    /// Bad arguments or input (identity, port, PID, duration, flags).
    public static let usage: Int32 = 2
    /// The daemon is not running or not reachable.
    public static let unreachable: Int32 = 3
    /// The requested port is taken, or no port is left in the range; or a launch refused by policy (no budget,
    /// budget exceeded, a concurrency limit, telemetry unavailable).
    public static let portUnavailable: Int32 = 4
    /// A launch refused by policy (the same code as a taken port: "refused").
    public static let refused: Int32 = 4
    /// The thing asked for does not exist.
    public static let notFound: Int32 = 5
    /// A daemon already runs for this data dir.
    public static let alreadyRunning: Int32 = 6
    /// Only the holder may release or extend that lock; only a closed harbor's members may write to it.
    public static let notOwner: Int32 = 7
    /// A stack did not come up (a service failed, timed out, or its dependency did).
    public static let stackFailed: Int32 = 8
    /// An agent run failed or was killed (`pd spawn`, `pd agent`, `pd sortie` when attached).
    public static let runFailed: Int32 = 9
    /// `pd trust` could not finish every step (e.g. the system store needs root); the lines before say which.
    public static let trustIncomplete: Int32 = 10
    /// `pd run` could not start the command.
    public static let commandNotRunnable: Int32 = 127

    /// The exit code for an error code sent by the daemon (1 for a code this build does not know: a newer daemon).
    static func code(forDaemonCode code: String) -> Int32 {
        ErrorCode(rawValue: code).map(Self.code(for:)) ?? failure
    }

    /// The exit code of every daemon error code: exhaustive, so a new code does not compile until it has one.
    static func code(for code: ErrorCode) -> Int32 {
        switch code {
        case .invalidIdentity, .invalidPort, .invalidPID, .invalidDuration, .invalidRequest, .bodyTooLarge, .invalidLockName, .unknownBackend,
            .invalidChannel, .invalidSignal, .invalidAgent, .invalidStackConfig, .methodNotAllowed, .invalidPattern, .invalidFleetConfig,
            .webhookAddressRefused:
            return usage
        case .portUnavailable, .rangeExhausted, .lockHeld, .lockTimeout, .fileClaimed, .sessionActive, .stackConflict, .stackBusy,
            .telemetryUnavailable, .budgetRequired, .budgetExceeded, .concurrencyLimit, .tupleWaitTimeout, .tupleSpaceFull, .cursorMoved,
            .walletInsufficient, .panicked, .panicNotArmed, .graceExhausted, .alreadyKilled, .fileChanged, .webhookLimit:
            return portUnavailable
        case .noActiveSession, .notFound, .tupleNotFound, .webhookNotFound: return notFound
        case .notLockOwner, .notHarborMember: return notOwner
        case .stackFailed: return stackFailed
        // The daemon would not serve this connection (shutting down, another user's, full, too slow, out of
        // resources): for this caller it is as good as unreachable.
        case .shuttingDown, .foreignUser, .tooManyConnections, .requestTimeout, .resourceExhausted, .clusterUnavailable: return unreachable
        case .tokenRequired, .untrustedCaller, .invalidRunToken, .forbiddenHost, .forbiddenOrigin, .storage, .internal, .noteKeyMissing,
            .noteTampered:
            return failure
        }
    }
}

/// An error the CLI reports as one line on stderr with a documented exit code.
public struct CLIError: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32
    public init(_ message: String, exitCode: Int32 = PDExit.failure) {
        self.message = message
        self.exitCode = exitCode
    }
    public var description: String { message }

    /// Maps a client error to its message and exit code.
    public init(_ error: ClientError) {
        switch error {
        case .daemon(_, let body): self.init(body.error, exitCode: PDExit.code(forDaemonCode: body.code))
        case .unreachable, .autostartFailed: self.init(error.description, exitCode: PDExit.unreachable)
        case .invalidURL: self.init(error.description, exitCode: PDExit.usage)
        case .protocolError: self.init(error.description, exitCode: PDExit.failure)
        }
    }
}
