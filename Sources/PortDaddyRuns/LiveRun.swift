import PortDaddyAPI
import PortDaddyStacks

/// What the supervisor hears from a running agent, in order: its stdout and stderr lines, its usage channel
/// (fd 3), and the ends of those streams.
enum RunInput: Sendable {
    case stdout(String)
    case stderr(String)
    case usage(String)
    case streamEnded
}

/// A run the supervisor is watching: its public record plus what only the supervisor holds (the process, the
/// run token, the parsers, the feed followers read). Owned by ``RunService``; never shared outside it.
final class LiveRun {
    var info: RunInfo
    /// The secret a custom agent sends as `X-PD-Run-Token` to report usage.
    let token: String
    let feed: StackFeed
    var parser: any TelemetryParser
    var usageParser = UsageLineParser()
    let log: RunLogFile
    var pid: Int32?
    /// The first final reason asked for (kill, timeout, budget) wins; the exit then ends the run with it.
    var killReason: String?
    /// Whether any usage arrived (a custom agent that promised to report must have).
    var usageSeen = false
    /// The last output lines, for the result of a backend that has no result record.
    var resultText: String?
    var resultIsError = false
    /// Open output streams (stdout, stderr, fd 3) still to reach their end.
    var openStreams = 0
    var streamsDrained: [CheckedContinuation<Void, Never>] = []
    var endWaiters: [CheckedContinuation<Void, Never>] = []
    var watchers: [Task<Void, Never>] = []
    /// Whether the terminator has already been started.
    var terminating = false
    /// Descendants seen while the agent ran: a `setsid` helper leaves the group and, once its parent exits, the
    /// parent chain too; this list still names it (PID and start time) for the kill.
    var descendants: [ProcessEntry] = []

    init(info: RunInfo, token: String, feed: StackFeed, parser: any TelemetryParser, log: RunLogFile) {
        self.info = info
        self.token = token
        self.feed = feed
        self.parser = parser
        self.log = log
    }
}
