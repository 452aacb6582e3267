/// How exactly a run's token counts and cost are known.
public enum TelemetryQuality: String, Codable, Sendable, CaseIterable {
    /// Counted by the backend itself, to the token.
    case exact
    /// Reported by a custom agent through the usage protocol (fd 3 or `pd usage report`).
    case reported
    /// Rounded by the backend (aider's "1.2k sent").
    case approximate
    /// Not known at all.
    case missing
}

/// A run's lifecycle: `starting` → `running` → one final state.
public enum RunState: String, Codable, Sendable, CaseIterable {
    case starting, running, succeeded, failed, killed, lost

    /// Whether the run has ended.
    public var isFinal: Bool { self != .starting && self != .running }
}

/// Token counts of a run, cumulative.
public struct TokenCounts: Codable, Sendable, Equatable {
    public var input: Int64
    public var output: Int64
    public var cacheRead: Int64
    public var cacheWrite: Int64

    public init(input: Int64 = 0, output: Int64 = 0, cacheRead: Int64 = 0, cacheWrite: Int64 = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }

    /// The sum of two counts.
    public static func + (a: TokenCounts, b: TokenCounts) -> TokenCounts {
        TokenCounts(
            input: a.input + b.input, output: a.output + b.output, cacheRead: a.cacheRead + b.cacheRead,
            cacheWrite: a.cacheWrite + b.cacheWrite)
    }
}

/// An amount of money: exact integer micro-dollars plus the same amount as a 6-decimal string.
public struct MoneyAmount: Codable, Sendable, Equatable {
    public var micros: Int64
    public var usd: String

    public init(micros: Int64) {
        self.micros = micros
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        self.usd = sign + String(magnitude / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}

/// One agent run as everyone may see it: no task text, no output.
public struct RunInfo: Codable, Sendable, Equatable {
    public var id: String
    /// The display name (from `--name`, else derived from the task).
    public var name: String
    public var backend: String
    public var model: String?
    public var identity: String?
    public var harbor: String?
    public var agentID: String
    public var sessionID: String?
    public var sortieID: String?
    public var pid: Int?
    public var state: RunState
    /// Why it ended: `exit`, `user`, `timeout`, `run-budget`, `daemon-stop`, `lost`, `telemetry-missing`, `signal`.
    public var reason: String?
    public var exitCode: Int?
    public var signal: Int?
    public var budget: MoneyAmount
    public var cost: MoneyAmount
    public var tokens: TokenCounts
    public var telemetry: TelemetryQuality
    public var createdAt: Int64
    public var startedAt: Int64?
    public var endedAt: Int64?
    /// The task text (only with `?full=true`, a trusted read).
    public var task: String?
    /// The final result text (only with `?full=true`, a trusted read).
    public var result: String?
    /// Set by kill when the run had already ended.
    public var alreadyEnded: Bool?

    public init(
        id: String, name: String, backend: String, model: String?, identity: String?, harbor: String?, agentID: String, sessionID: String?,
        sortieID: String?, pid: Int?, state: RunState, reason: String?, exitCode: Int?, signal: Int?, budget: MoneyAmount, cost: MoneyAmount,
        tokens: TokenCounts, telemetry: TelemetryQuality, createdAt: Int64, startedAt: Int64?, endedAt: Int64?
    ) {
        self.id = id
        self.name = name
        self.backend = backend
        self.model = model
        self.identity = identity
        self.harbor = harbor
        self.agentID = agentID
        self.sessionID = sessionID
        self.sortieID = sortieID
        self.pid = pid
        self.state = state
        self.reason = reason
        self.exitCode = exitCode
        self.signal = signal
        self.budget = budget
        self.cost = cost
        self.tokens = tokens
        self.telemetry = telemetry
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// `POST /spawn`: launch an agent. Paths and executables are resolved by the CLI; only absolute ones arrive.
public struct SpawnRequest: Codable, Sendable, Equatable {
    public var backend: String
    public var model: String?
    public var task: String
    /// The per-run hard cap in USD, as a decimal string or number (at most 6 decimals).
    public var budgetUsd: String
    public var identity: String?
    public var name: String?
    public var purpose: String?
    public var tier: String?
    public var maxTokens: Int?
    public var allowedTools: String?
    /// Absolute working directory.
    public var workdir: String
    public var timeoutSeconds: Double?
    public var harbor: String?
    /// Extra environment for the child; values are passed on, never stored or logged.
    public var env: [String: String]?
    /// Absolute path of the backend's executable (CLI-resolved), or the custom program.
    public var executable: String?
    /// The custom program's arguments.
    public var arguments: [String]?
    /// `report`: a custom agent promises to report usage.
    public var telemetry: String?
    /// Allow approximate telemetry (aider) for this launch.
    public var allowApproximate: Bool?
    public var dryRun: Bool?

    public init(
        backend: String, model: String? = nil, task: String, budgetUsd: String, identity: String? = nil, name: String? = nil,
        purpose: String? = nil, tier: String? = nil, maxTokens: Int? = nil, allowedTools: String? = nil, workdir: String,
        timeoutSeconds: Double? = nil, harbor: String? = nil, env: [String: String]? = nil, executable: String? = nil,
        arguments: [String]? = nil, telemetry: String? = nil, allowApproximate: Bool? = nil, dryRun: Bool? = nil
    ) {
        self.backend = backend
        self.model = model
        self.task = task
        self.budgetUsd = budgetUsd
        self.identity = identity
        self.name = name
        self.purpose = purpose
        self.tier = tier
        self.maxTokens = maxTokens
        self.allowedTools = allowedTools
        self.workdir = workdir
        self.timeoutSeconds = timeoutSeconds
        self.harbor = harbor
        self.env = env
        self.executable = executable
        self.arguments = arguments
        self.telemetry = telemetry
        self.allowApproximate = allowApproximate
        self.dryRun = dryRun
    }
}

/// One line of a launch's preflight checklist.
public struct PreflightCheck: Codable, Sendable, Equatable {
    public var check: String
    public var ok: Bool
    public var detail: String

    public init(check: String, ok: Bool, detail: String) {
        self.check = check
        self.ok = ok
        self.detail = detail
    }
}

/// The answer to `POST /spawn`: the run (202), or the preflight of a dry run (200).
public struct SpawnResponse: Codable, Sendable, Equatable {
    public var run: RunInfo?
    public var preflight: [PreflightCheck]?
    public var argv: [String]?
    public var envNames: [String]?

    public init(run: RunInfo? = nil, preflight: [PreflightCheck]? = nil, argv: [String]? = nil, envNames: [String]? = nil) {
        self.run = run
        self.preflight = preflight
        self.argv = argv
        self.envNames = envNames
    }
}

/// `GET /runs`.
public struct RunsResponse: Codable, Sendable, Equatable {
    public var runs: [RunInfo]
    public init(runs: [RunInfo]) { self.runs = runs }
}

/// `GET /runs/:id/logs`.
public struct RunLogsResponse: Codable, Sendable, Equatable {
    public var lines: [String]
    public init(lines: [String]) { self.lines = lines }
}

/// `POST /runs/:id/usage` (header `X-PD-Run-Token`): cumulative usage a custom agent reports.
public struct UsageReport: Codable, Sendable, Equatable {
    public var input: Int64
    public var output: Int64
    public var cacheRead: Int64?
    public var cacheWrite: Int64?
    public var model: String?
    /// The cost so far in USD, when the agent knows it.
    public var costUsd: String?

    public init(input: Int64, output: Int64, cacheRead: Int64? = nil, cacheWrite: Int64? = nil, model: String? = nil, costUsd: String? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.model = model
        self.costUsd = costUsd
    }
}

/// A model's price per million tokens, in micro-dollars.
public struct ModelRateInfo: Codable, Sendable, Equatable {
    public var id: String
    public var inputPerMTok: Int64
    public var outputPerMTok: Int64
    public var cacheReadPerMTok: Int64
    public var cacheWritePerMTok: Int64
    /// A local model (ollama): a zero rate is allowed.
    public var local: Bool
    /// `builtin` or the override file's path.
    public var source: String

    public init(
        id: String, inputPerMTok: Int64, outputPerMTok: Int64, cacheReadPerMTok: Int64, cacheWritePerMTok: Int64, local: Bool, source: String
    ) {
        self.id = id
        self.inputPerMTok = inputPerMTok
        self.outputPerMTok = outputPerMTok
        self.cacheReadPerMTok = cacheReadPerMTok
        self.cacheWritePerMTok = cacheWritePerMTok
        self.local = local
        self.source = source
    }
}

/// One backend `pd spawn` knows.
public struct BackendInfo: Codable, Sendable, Equatable {
    public var name: String
    /// `cli`, `http` or `custom`.
    public var kind: String
    public var available: Bool
    public var telemetry: TelemetryQuality
    public var models: [ModelRateInfo]

    public init(name: String, kind: String, available: Bool, telemetry: TelemetryQuality, models: [ModelRateInfo]) {
        self.name = name
        self.kind = kind
        self.available = available
        self.telemetry = telemetry
        self.models = models
    }
}

/// `GET /spawn/backends`.
public struct BackendsResponse: Codable, Sendable, Equatable {
    public var backends: [BackendInfo]
    public init(backends: [BackendInfo]) { self.backends = backends }
}

/// The data of a run feed's `usage` event: cumulative tokens and cost.
public struct RunUsageUpdate: Codable, Sendable, Equatable {
    public var tokens: TokenCounts
    public var cost: MoneyAmount

    public init(tokens: TokenCounts, cost: MoneyAmount) {
        self.tokens = tokens
        self.cost = cost
    }
}

/// The data of a run feed's final `end` event.
public struct RunEnd: Codable, Sendable, Equatable {
    public var state: RunState
    public var reason: String?
    public var exitCode: Int?
    public var result: String?
    public var cost: MoneyAmount
    public var tokens: TokenCounts

    public init(state: RunState, reason: String?, exitCode: Int?, result: String?, cost: MoneyAmount, tokens: TokenCounts) {
        self.state = state
        self.reason = reason
        self.exitCode = exitCode
        self.result = result
        self.cost = cost
        self.tokens = tokens
    }
}

/// One entry of a sortie's mission log.
public struct SortieEvent: Codable, Sendable, Equatable {
    public var id: Int64
    public var at: Int64
    /// `created`, `preflight`, `launched`, `note`, `usage`, `ended`.
    public var kind: String
    public var text: String

    public init(id: Int64, at: Int64, kind: String, text: String) {
        self.id = id
        self.at = at
        self.kind = kind
        self.text = text
    }
}

/// What a sortie came to: its run's final state, result, cost, the agent's notes and the files it claimed.
public struct SortieOutcome: Codable, Sendable, Equatable {
    public var state: RunState
    public var reason: String?
    public var result: String?
    public var cost: MoneyAmount
    public var tokens: TokenCounts
    public var notes: [String]
    public var files: [String]

    public init(
        state: RunState, reason: String?, result: String?, cost: MoneyAmount, tokens: TokenCounts, notes: [String], files: [String]
    ) {
        self.state = state
        self.reason = reason
        self.result = result
        self.cost = cost
        self.tokens = tokens
        self.notes = notes
        self.files = files
    }
}

/// A sortie: a durable mission around one run. Task, outcome text and the log only for trusted reads.
public struct SortieInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// `running`, `aborted`, or the run's final state.
    public var state: String
    public var runID: String
    public var harbor: String?
    /// How many entries the mission log has.
    public var events: Int
    public var createdAt: Int64
    public var endedAt: Int64?
    public var task: String?
    public var outcome: SortieOutcome?
    public var log: [SortieEvent]?

    public init(
        id: String, name: String, state: String, runID: String, harbor: String?, events: Int, createdAt: Int64, endedAt: Int64?,
        task: String? = nil, outcome: SortieOutcome? = nil, log: [SortieEvent]? = nil
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.runID = runID
        self.harbor = harbor
        self.events = events
        self.createdAt = createdAt
        self.endedAt = endedAt
        self.task = task
        self.outcome = outcome
        self.log = log
    }
}

/// `GET /sorties`.
public struct SortiesResponse: Codable, Sendable, Equatable {
    public var sorties: [SortieInfo]
    public init(sorties: [SortieInfo]) { self.sorties = sorties }
}
