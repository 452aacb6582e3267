import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig

extension StackSupervisor {
    /// One service's whole life: wait for its dependencies, start it, gate readiness, watch it, restart it per
    /// policy, until it is stopped or gives up.
    func supervise(_ key: String, _ name: String, _ run: ServiceRun) async {
        guard let stack = stacks[key] else { return }
        if let failure = await waitForDependencies(stack, run) {
            if run.stopping { return }
            run.detail = failure
            set(run, .blocked, in: stack, name, log: "not started: \(failure)")
            return
        }
        while !run.stopping {
            guard let pid = launch(stack, name, run) else { return }
            let startedAt = ContinuousClock.now
            let exitWatcher = Task { () -> ExitStatus in
                let status = await ChildExit.wait(pid)
                self.noteExit(stack, run, pid)
                return status
            }
            if !run.config.oneshot {
                await gateReadiness(stack, name, run, pid: pid)
                await watch(stack, name, run, pid: pid)
            }
            let exit = await exitWatcher.value
            // The leader is gone; its group may still hold grandchildren (and the port).
            await ProcessTerminator.terminate(group: pid, stragglers: [], grace: .seconds(2))
            try? store.forgetProcess(kind: .stack, key: run.identity.description, pid: pid)
            run.pid = nil
            run.exit = exit
            if run.stopping {
                set(run, .stopped, in: stack, name, log: "stopped (\(exit))")
                return
            }
            if run.restartRequested {
                run.restartRequested = false
                run.restarts += 1
                set(run, .restarting, in: stack, name, log: "restarting (\(exit))")
                continue
            }
            if run.config.oneshot && exit.succeeded {
                run.readyAt = clock.nowMillis()
                run.detail = nil
                set(run, .completed, in: stack, name, log: "completed (\(exit))")
                activity.record(.serviceCompleted, subject: run.identity.description)
                return
            }
            if ContinuousClock.now - startedAt >= settings.stableRun { run.consecutiveRestarts = 0 }
            let policy = run.config.restart
            let wants = policy == .always || (policy == .onFailure && !exit.succeeded)
            guard wants, run.consecutiveRestarts < run.config.restartLimit else {
                let why = wants ? "\(exit); gave up after \(run.consecutiveRestarts) restarts in a row" : "\(exit)"
                run.detail = why
                set(run, .exited, in: stack, name, log: why)
                activity.record(.serviceExit, subject: run.identity.description, detail: why)
                return
            }
            run.consecutiveRestarts += 1
            run.restarts += 1
            let delay = backoff(run.consecutiveRestarts)
            run.detail = "\(exit); restart \(run.consecutiveRestarts)/\(run.config.restartLimit) in \(delay)"
            set(run, .restarting, in: stack, name, log: run.detail)
            activity.record(.serviceRestart, subject: run.identity.description, detail: run.detail)
            let until = ContinuousClock.now + delay
            while !run.stopping && !run.skipBackoff && ContinuousClock.now < until {
                await nextChange(in: stack, timeout: until - ContinuousClock.now)
            }
            run.skipBackoff = false
        }
        if run.state != .stopped { set(run, .stopped, in: stack, name, log: nil) }
    }

    func backoff(_ n: Int) -> Duration { StackSupervisorBackoff.delay(n, settings) }

    /// Waits until every dependency is ready; returns why not when one can no longer get there.
    func waitForDependencies(_ stack: StackRun, _ run: ServiceRun) async -> String? {
        while !run.stopping {
            var waiting = false
            for dep in run.config.needs {
                guard let other = stack.services[dep] else { return "needs \(dep), which is not running" }
                switch other.state {
                case .ready, .completed: continue
                case .blocked, .exited, .stopped:
                    return "needs \(dep), which \(other.state == .blocked ? "was not started" : other.state.rawValue)"
                        + (other.detail.map { " (\($0))" } ?? "")
                case .unhealthy where other.readyAt == nil:
                    return "needs \(dep), which never became ready" + (other.detail.map { " (\($0))" } ?? "")
                default: waiting = true
                }
            }
            if !waiting { return nil }
            await nextChange(in: stack, timeout: nil)
        }
        return "stopped"
    }

    /// Starts the process, records it, and wires its output into the feed. `nil` when it could not start.
    func launch(_ stack: StackRun, _ name: String, _ run: ServiceRun) -> Int32? {
        let env = stack.environment.processEnvironment(for: name, inherited: stack.inherited, configured: run.config.env)
        let directory = run.config.dir.map { stack.root + "/" + $0 } ?? stack.root
        let spec = ServiceCommandLine.launch(run.config.cmd, environment: env, directory: directory)
        let child: LaunchedProcess
        do { child = try ProcessLauncher.launch(spec) } catch {
            run.detail = error.description
            run.exit = ExitStatus(code: 127, signal: nil)
            set(run, .exited, in: stack, name, log: "cannot start: \(error.description)")
            return nil
        }
        let feed = stack.feed
        _ = OutputLines(fd: child.stdout) { line in feed.append(kind: "log", service: name, stream: "out", text: line) }
        _ = OutputLines(fd: child.stderr) { line in feed.append(kind: "log", service: name, stream: "err", text: line) }
        run.pid = child.pid
        run.exit = nil
        run.readyAt = nil
        run.startedAt = clock.nowMillis()
        run.detail = nil
        let start = processes.startTime(of: child.pid) ?? 0
        try? store.recordProcess(
            RecordedProcess(
                kind: .stack, key: run.identity.description, owner: stack.key, pid: child.pid, pidStart: start, session: getsid(child.pid),
                startedAt: run.startedAt!))
        activity.record(.serviceStart, subject: run.identity.description, detail: "pid \(child.pid)")
        let how = spec.executable == "/bin/sh" ? "via /bin/sh -c" : "directly"
        set(run, .starting, in: stack, name, log: "started pid \(child.pid) \(how): \(run.config.cmd)" + (run.port.map { " (PORT=\($0))" } ?? ""))
        return child.pid
    }

    /// The check that says this service is ready.
    func readinessCheck(_ stack: StackRun, _ name: String, _ run: ServiceRun) -> ReadinessCheck {
        if stack.noHealth { return .started }
        if let argv = run.config.healthCmd {
            let env = stack.environment.processEnvironment(for: name, inherited: stack.inherited, configured: run.config.env)
            let directory = run.config.dir.map { stack.root + "/" + $0 } ?? stack.root
            let words = argv.map { ServiceCommandLine.substitute($0, env) }
            return .command(
                LaunchSpec(executable: words[0], arguments: Array(words.dropFirst()), environment: env, directory: directory, captureOutput: false))
        }
        if let port = run.port {
            if let path = run.config.healthPath { return .http(port: port, path: path) }
            return .listening(port: port)
        }
        return .started
    }

    /// Polls the readiness check until it passes, the process exits, or `readyTimeout` passes.
    func gateReadiness(_ stack: StackRun, _ name: String, _ run: ServiceRun, pid: Int32) async {
        let check = readinessCheck(stack, name, run)
        let deadline = ContinuousClock.now + .milliseconds(Int(run.config.readyTimeoutSeconds * 1000))
        // Checks are cheap (a connect, a GET): poll often at first, when most servers come up.
        var pause = Duration.milliseconds(20)
        var lastSeen: String?
        while run.exitedPID != pid && !run.stopping {
            let left = max(deadline - ContinuousClock.now, .milliseconds(100))
            let outcome = await ReadinessProbe.run(check, limit: left, handle: run.probe)
            lastSeen = outcome.observed ?? lastSeen
            if outcome.passed {
                guard run.exitedPID != pid, !run.stopping else { return }
                run.readyAt = clock.nowMillis()
                set(run, .ready, in: stack, name, log: "ready (\(check.description))" + (run.port.map { " on port \($0)" } ?? ""))
                activity.record(.serviceReady, subject: run.identity.description, detail: run.port.map { "port \($0)" })
                return
            }
            if ContinuousClock.now >= deadline {
                run.detail =
                    "not ready after \(Int(run.config.readyTimeoutSeconds))s (\(check.description))" + (lastSeen.map { "; last check: \($0)" } ?? "")
                set(run, .unhealthy, in: stack, name, log: run.detail)
                return
            }
            await nextChange(in: stack, timeout: pause)
            pause = min(pause * 3 / 2, .milliseconds(250))
        }
    }

    /// Marks that the process `pid` of a run has exited (its watcher reaped it) and wakes the supervisor.
    func noteExit(_ stack: StackRun, _ run: ServiceRun, _ pid: Int32) {
        run.exitedPID = pid
        stack.changed()
    }

    /// The check repeated once a service is ready. By default it makes no request the service would log: the
    /// port must still be bound (a bind test), every `monitorInterval`; with `healthInterval` the readiness check
    /// itself (GET healthPath, healthCmd) runs at that interval. The process's exit is watched in any case.
    func livenessCheck(_ stack: StackRun, _ name: String, _ run: ServiceRun) -> (ReadinessCheck, Duration) {
        if stack.noHealth { return (.started, settings.monitorInterval) }
        if let seconds = run.config.healthIntervalSeconds {
            return (readinessCheck(stack, name, run), .milliseconds(Int(seconds * 1000)))
        }
        if let port = run.port { return (.bound(port: port), settings.monitorInterval) }
        return (.started, settings.monitorInterval)
    }

    /// While the process runs: repeats the liveness check (three failures in a row → unhealthy; a pass → ready
    /// again); returns as soon as it exits.
    func watch(_ stack: StackRun, _ name: String, _ run: ServiceRun, pid: Int32) async {
        let (check, interval) = livenessCheck(stack, name, run)
        var failures = 0
        var nextCheck = ContinuousClock.now + interval
        while run.exitedPID != pid {
            if check == .started || run.stopping {
                await nextChange(in: stack, timeout: nil)
                continue
            }
            await nextChange(in: stack, timeout: max(.milliseconds(10), nextCheck - ContinuousClock.now))
            guard run.exitedPID != pid, !run.stopping, ContinuousClock.now >= nextCheck else { continue }
            nextCheck = ContinuousClock.now + interval
            let outcome = await ReadinessProbe.run(check, handle: run.probe)
            let ok = outcome.passed
            guard run.pid == pid, run.exitedPID != pid, !run.stopping else { continue }
            if ok {
                failures = 0
                if run.state == .unhealthy {
                    run.readyAt = run.readyAt ?? clock.nowMillis()
                    run.detail = nil
                    set(run, .ready, in: stack, name, log: "ready again (\(check.description))")
                }
            } else if run.state == .ready {
                failures += 1
                if failures >= 3 {
                    run.detail = "check failing (\(check.description))" + (outcome.observed.map { ": \($0)" } ?? "")
                    set(run, .unhealthy, in: stack, name, log: run.detail)
                }
            }
        }
    }

    /// Changes a service's state, logs a line about it in the feed, and wakes waiters.
    func set(_ run: ServiceRun, _ state: ServiceState, in stack: StackRun, _ name: String, log text: String?) {
        run.state = state
        stack.feed.append(kind: "state", service: name, stream: state.rawValue, text: text ?? state.rawValue)
        stack.changed()
    }
}

/// Restart delays: `base × 2^(n-1)` for the n-th restart in a row, capped at `maxBackoff`.
enum StackSupervisorBackoff {
    static func delay(_ n: Int, _ settings: StackSettings) -> Duration {
        var delay = settings.baseBackoff
        for _ in 1..<max(1, n) where delay < settings.maxBackoff { delay *= 2 }
        return min(delay, settings.maxBackoff)
    }
}
