import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

/// Programs that ship next to `pd` and that pd runs in its own place: each links what `pd` must not load (the
/// server and its libraries; the MCP SDK's networking), so `pd` itself stays small.
package enum SiblingProgram: String {
    case daemon = "pd-daemon"
    case mcp = "pd-mcp"
    /// `pd` itself, seen from `pd-daemon` (what `pd bench` times as a whole process).
    case client = "pd"

    /// The program in the directory of the running `pd` (symlinks resolved).
    package var path: String { (DaemonLauncher.executablePath() as NSString).deletingLastPathComponent + "/" + rawValue }

    /// Whether the program is there and executable.
    package var isPresent: Bool { access(path, X_OK) == 0 }

    /// The error when it is missing, saying how to build it.
    var missing: CLIError {
        let flags = self == .daemon ? "-c release --static-swift-stdlib" : "-c release"
        return CLIError(
            "\(rawValue) is not next to pd (\(path)); build it with swift build \(flags) --product \(rawValue)",
            exitCode: PDExit.commandNotRunnable)
    }

    /// Runs the program in this process's place (same PID, so a service manager or a test sees no change).
    func replaceProcess(arguments: [String]) throws(CLIError) -> Never {
        guard isPresent else { throw missing }
        let reason = ChildLauncher.replaceProcess(with: path, arguments: arguments)
        throw CLIError("cannot run \(path): \(String(cString: strerror(reason)))", exitCode: PDExit.commandNotRunnable)
    }
}

/// The host of the `pd` that users call: it has no server in it, so the daemon runs as `pd-daemon` in its place
/// and the database is read by `pd-daemon integrity-check`.
public struct SiblingDaemonHost: DaemonHost {
    public init() {}

    public func runDaemon(_ options: DaemonOptions, environment: PortDaddyEnvironment) async throws(CLIError) {
        try SiblingProgram.daemon.replaceProcess(arguments: Array(CommandLine.arguments.dropFirst()))
    }

    public func integrityCheck(readingOnly path: String) -> String {
        let program = SiblingProgram.daemon
        guard program.isPresent else { return program.missing.message }
        let environment = ProcessInfo.processInfo.environment
        guard let run = try? CapturedRun.run(program.path, ["integrity-check", path], environment: environment, includingStderr: true)
        else { return "cannot run \(program.path)" }
        return run.stdout.trimmingWhitespace()
    }
}

/// A command of the `pd` that users call whose real implementation links what `pd` must not (the bench's daemon
/// modules, the TLS libraries), so it lives in `pd-daemon`, which this runs in its place with the same arguments.
protocol RunsInDaemon: ParsableCommand {}

extension RunsInDaemon {
    public func run() throws {
        try SiblingProgram.daemon.replaceProcess(arguments: Array(CommandLine.arguments.dropFirst()))
    }
}

extension PD {
    /// `pd bench`, run by `pd-daemon`.
    public struct BenchInDaemon: RunsInDaemon {
        public static let configuration = CommandConfiguration(
            commandName: "bench", abstract: "Measure the daemon: latency, throughput, process start, memory (pd-daemon runs it).")
        @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

        public init() {}
    }

    /// `pd trust`, run by `pd-daemon`.
    public struct TrustInDaemon: RunsInDaemon {
        public static let configuration = CommandConfiguration(
            commandName: "trust",
            abstract: "Trust Port Daddy's local CA, so https://<name>.localhost:<proxy port> is secure (pd-daemon runs it).")
        @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

        public init() {}
    }
}
