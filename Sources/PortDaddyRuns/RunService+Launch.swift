import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStacks

/// A launch that passed its checks: what to start, how, and on what terms.
struct LaunchPlan {
    var backend: Backend
    var model: String?
    var budgetMicros: Int64
    var telemetry: TelemetryQuality
    var executable: String
    var arguments: [String]
    var environmentNames: [String]
    var preflight: [PreflightCheck]
}

extension RunService {
    /// Launches an agent (answers as soon as it runs; never waits for the run), or, for a dry run, returns the
    /// preflight checklist and the exact argv with environment names only.
    public func spawn(_ request: SpawnRequest) async throws(PortDaddyError) -> SpawnResponse {
        let plan = try plan(request)
        if request.dryRun == true {
            return SpawnResponse(preflight: plan.preflight, argv: [plan.executable] + plan.arguments, envNames: plan.environmentNames)
        }
        if shuttingDown { throw .stackBusy("the daemon is shutting down") }
        if panic?.isPanicked == true { throw .panicked("the panic switch fired: nothing spawns until pd fleet unpanic --reason R") }
        if live.count >= settings.maxRuns { throw .concurrencyLimit(limit: settings.maxRuns) }
        return SpawnResponse(run: try await launch(request, plan, sortie: nil))
    }

    /// Checks everything a launch needs, in the order the checklist shows; the first failure refuses the launch.
    func plan(_ request: SpawnRequest) throws(PortDaddyError) -> LaunchPlan {
        let backend = try Backend(named: request.backend)
        let task = request.task.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !task.isEmpty, task.utf8.count <= 100_000 else { throw .invalidRequest("task must be 1 to 100,000 bytes of text") }
        // The task is one argument of the agent's command line: one that starts with '-' would be read as an option.
        if backend.kind == .cli && task.hasPrefix("-") {
            throw .invalidRequest("a task must not start with '-' (the agent would read it as an option); reword it")
        }
        guard !request.budgetUsd.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .budgetRequired("every run needs a budget: pass --budget USD (the run is killed when its cost passes it)")
        }
        let budget = try Money.micros(parsing: request.budgetUsd, field: "budget")
        guard request.workdir.hasPrefix("/") else { throw .invalidRequest("workdir must be an absolute path") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: request.workdir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidRequest("workdir \(request.workdir) is not a directory")
        }
        if let timeout = request.timeoutSeconds, !(timeout > 0 && timeout <= 7 * 86400) {
            throw .invalidRequest("timeout must be between 1 second and 7 days")
        }
        if let identity = request.identity {
            do { _ = try Identity(parsing: identity) } catch { throw .invalidIdentity(error.description) }
        }
        let model = request.model ?? backend.defaultModel
        let telemetry = try TelemetryPolicy.check(
            backend: backend, model: model, rates: rates, allowApproximate: request.allowApproximate == true,
            promisesReport: request.telemetry == "report")
        let executable = try executable(for: backend, request)
        let arguments =
            backend == .custom
            ? (request.arguments ?? [])
            : backend.arguments(
                task: task, model: model, allowedTools: request.allowedTools, maxTokens: request.maxTokens, environment: request.env ?? [:])
        let names = Set((request.env ?? [:]).keys).union(Self.coordinationVariables).sorted()
        let preflight = [
            PreflightCheck(check: "backend", ok: true, detail: "\(backend.rawValue) (\(backend.kind.rawValue))"),
            PreflightCheck(check: "executable", ok: true, detail: executable),
            PreflightCheck(check: "workdir", ok: true, detail: request.workdir),
            PreflightCheck(check: "telemetry", ok: true, detail: telemetry.rawValue + (model.map { ", model \($0)" } ?? "")),
            PreflightCheck(check: "budget", ok: true, detail: MoneyAmount(micros: budget).usd + " USD for this run"),
            PreflightCheck(
                check: "concurrency", ok: live.count < settings.maxRuns, detail: "\(live.count) of \(settings.maxRuns) runs going"),
        ]
        return LaunchPlan(
            backend: backend, model: model, budgetMicros: budget, telemetry: telemetry, executable: executable, arguments: arguments,
            environmentNames: names, preflight: preflight)
    }

    /// The variables every run's environment carries.
    static let coordinationVariables = [
        "PD_AGENT_ID", "PD_SESSION_ID", "PD_RUN_ID", "PD_RUN_TOKEN", "PD_IDENTITY", "PD_HARBOR", "PD_TASK", "PD_USAGE_FD",
        "PORT_DADDY_SOCKET", "PORT_DADDY_HOME",
    ]

    /// The absolute program to start: the CLI-resolved agent CLI or custom program, or the `pd-llm` sibling.
    func executable(for backend: Backend, _ request: SpawnRequest) throws(PortDaddyError) -> String {
        switch backend.kind {
        case .http:
            guard let program = settings.llmProgram else {
                throw .invalidRequest("the \(backend.rawValue) backend needs pd-llm installed next to pd-daemon (pd install)")
            }
            return program
        case .cli, .custom:
            guard let path = request.executable, !path.isEmpty else {
                let name = backend.executableName ?? "the program"
                throw .invalidRequest("\(name) was not found on PATH; install it or pass the program after --")
            }
            guard path.hasPrefix("/"), FileManager.default.isExecutableFile(atPath: path) else {
                throw .invalidRequest("\(path) is not an absolute path to an executable")
            }
            return path
        }
    }

    /// Reserves the run's budget and bond when its project has a wallet (refused when they do not fit), then starts
    /// it; a start that fails gives the reservation and the bond back.
    func launch(_ request: SpawnRequest, _ plan: LaunchPlan, sortie: String?) async throws(PortDaddyError) -> RunInfo {
        let runID = "run-" + Secret.hex(bytes: 4)
        _ = try wallets?.reserve(run: runID, identity: request.identity, budget: plan.budgetMicros)
        do {
            return try await start(runID, request, plan, sortie: sortie)
        } catch {
            wallets?.settle(run: runID, hold: false, reason: "not-started")
            throw error
        }
    }

    /// Registers the agent, begins its session, starts the process tree and starts watching it.
    func start(_ runID: String, _ request: SpawnRequest, _ plan: LaunchPlan, sortie: String?) async throws(PortDaddyError) -> RunInfo {
        let agentID = "agent-" + Secret.hex(bytes: 4)
        let task = request.task.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = DisplayName.make(given: request.name, task: task)
        let firstLine = task.split(separator: "\n").first.map(String.init) ?? "agent run"
        let purpose = String((request.purpose ?? firstLine).prefix(200))
        _ = try coordination.register(id: agentID, identity: request.identity, purpose: purpose, pid: nil, ttlSeconds: nil, name: name)
        let session: SessionInfo
        do {
            session = try coordination.begin(purpose: purpose, agent: agentID, identity: nil, files: [], pid: nil).0
        } catch {
            try? coordination.unregister(agentID)
            throw error
        }
        let now = clock.nowMillis()
        var info = RunInfo(
            id: runID, name: name, backend: plan.backend.rawValue, model: plan.model, identity: request.identity, harbor: request.harbor,
            agentID: agentID, sessionID: session.id, sortieID: sortie, pid: nil, state: .starting, reason: nil, exitCode: nil, signal: nil,
            budget: MoneyAmount(micros: plan.budgetMicros), cost: MoneyAmount(micros: 0), tokens: TokenCounts(), telemetry: plan.telemetry,
            createdAt: now, startedAt: nil, endedAt: nil)
        info.task = task
        let token = Secret.hex(bytes: 16)
        var environment = request.env ?? [:]
        environment["PD_AGENT_ID"] = agentID
        environment["PD_SESSION_ID"] = session.id
        environment["PD_RUN_ID"] = runID
        environment["PD_RUN_TOKEN"] = token
        environment["PD_IDENTITY"] = request.identity ?? ""
        environment["PD_HARBOR"] = request.harbor ?? ""
        environment["PD_TASK"] = task
        environment["PD_USAGE_FD"] = "3"
        environment["PORT_DADDY_SOCKET"] = settings.socketPath
        environment["PORT_DADDY_HOME"] = settings.home
        // The child talks to this daemon over its socket, whatever URL the caller's shell pointed at.
        environment["PORT_DADDY_URL"] = nil
        let spec = LaunchSpec(
            executable: plan.executable, arguments: plan.arguments, environment: environment, directory: request.workdir,
            input: plan.backend == .custom ? task : nil, usageChannel: true)
        let child: LaunchedProcess
        do { child = try ProcessLauncher.launch(spec) } catch {
            _ = try? coordination.done(agent: agentID, note: "could not start: \(error.description)", abandon: true)
            try? coordination.unregister(agentID)
            throw .invalidRequest("could not start \(plan.executable): \(error.description)")
        }
        info.pid = Int(child.pid)
        info.state = .running
        info.startedAt = clock.nowMillis()
        // The agent lives exactly as long as its process.
        _ = try? coordination.register(id: agentID, identity: nil, purpose: nil, pid: child.pid, ttlSeconds: nil)
        let run = LiveRun(
            info: info, token: token, feed: StackFeed(clock: clock, pulse: pulse), parser: plan.backend.makeParser(),
            log: RunLogFile(directory: settings.logDirectory, runID: runID, limit: settings.maxLogBytes))
        run.pid = child.pid
        live[runID] = run
        try? store.saveRun(info)
        try? store.recordProcess(
            RecordedProcess(
                kind: .run, key: runID, owner: agentID, pid: child.pid, pidStart: prober.startTime(of: child.pid) ?? 0,
                session: getsid(child.pid), startedAt: info.startedAt ?? now))
        activity?.record(.runStart, actor: agentID, subject: runID, detail: "\(plan.backend.rawValue) \(name)")
        graph?.spawned(run: runID, agent: agentID, sortie: sortie, identity: request.identity)
        run.feed.append(kind: "state", service: "run", stream: "running", text: "started pid \(child.pid): \(name)")
        watch(run, child, timeout: request.timeoutSeconds)
        return Self.public(info)
    }

    /// Reads the child's streams into one ordered input, waits for its exit, and arms the timeout.
    func watch(_ run: LiveRun, _ child: LaunchedProcess, timeout: Double?) {
        let (inputs, continuation) = AsyncStream<RunInput>.makeStream()
        let id = run.info.id
        var open = 0
        for (fd, wrap) in [(child.stdout, RunInput.stdout), (child.stderr, RunInput.stderr), (child.usage, RunInput.usage)] where fd >= 0 {
            open += 1
            _ = OutputLines(fd: fd, dedicatedThread: true, onLine: { continuation.yield(wrap($0)) }, onEnd: { continuation.yield(.streamEnded) })
        }
        run.openStreams = open
        run.watchers.append(
            Task { [weak self] in
                for await input in inputs { await self?.handle(input, of: id) }
            })
        let pid = child.pid
        run.watchers.append(
            Task { [weak self] in
                let status = await ChildExit.wait(pid)
                await self?.exited(id, status: status)
                continuation.finish()
            })
        run.watchers.append(
            Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    await self?.noteDescendants(of: id)
                }
            })
        if let timeout {
            run.watchers.append(
                Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                    if !Task.isCancelled { await self?.stop(id, reason: "timeout") }
                })
        }
    }
}

extension RunService {
    /// Remembers the run's current descendants (see ``LiveRun/descendants``).
    func noteDescendants(of id: String) {
        guard let run = live[id], let pid = run.pid else { return }
        let table = ProcessTable.snapshot()
        for entry in table.members(ofGroup: pid, session: nil, since: nil).flatMap({ table.descendants(of: $0.pid) }) + table.descendants(of: pid)
        where !run.descendants.contains(where: { $0.pid == entry.pid && $0.start == entry.start }) {
            run.descendants.append(entry)
        }
    }
}
