import Foundation

/// How the run supervisor behaves: limits, where it writes, and what it tells its children.
public struct RunSettings: Sendable {
    /// Runs at once, daemon-wide (`PORT_DADDY_MAX_RUNS`, default 8).
    public var maxRuns = 8
    /// SIGTERM → SIGKILL grace when a run is killed (`PORT_DADDY_STOP_GRACE`).
    public var stopGrace: Duration = .seconds(5)
    /// The data dir (`PORT_DADDY_HOME` of the children); run logs go to `runs/` inside it.
    public var home: String
    /// The daemon's Unix socket (`PORT_DADDY_SOCKET` of the children).
    public var socketPath: String
    /// The sibling program that makes HTTP backends' calls (`pd-llm`), or nil when it is not installed.
    public var llmProgram: String?
    /// The rate overrides file (`rates.json` in the data dir).
    public var ratesPath: String
    /// How long ended runs and their logs are kept.
    public var retentionSeconds: Double = 30 * 86400
    /// A run's log file stops growing at this size (the feed keeps the newest lines).
    public var maxLogBytes = 8 * 1024 * 1024
    /// How long a run waits for the last output after its process ended (a grandchild may keep the pipe open).
    public var outputDrainTimeout: Duration = .seconds(2)
    /// How long a run over its project's allowance keeps going before it is killed (`PORT_DADDY_BUDGET_GRACE`).
    public var budgetGrace: Duration = .seconds(60)

    public init(home: String, socketPath: String, llmProgram: String?) {
        self.home = home
        self.socketPath = socketPath
        self.llmProgram = llmProgram
        self.ratesPath = home + "/rates.json"
    }

    /// The directory that holds run logs.
    public var logDirectory: String { home + "/runs" }
}
