import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStacks

extension RunService {
    /// One line or end of stream from a run: parsed into output, usage and result, logged, and fed to followers.
    func handle(_ input: RunInput, of id: String) {
        guard let run = live[id] else { return }
        switch input {
        case .stdout(let line):
            apply(run.parser.consume(line: line), to: run, stream: "out")
        case .stderr(let line):
            output(line, stream: "err", of: run)
        case .usage(let line):
            apply(run.usageParser.consume(line: line), to: run, stream: "usage")
        case .streamEnded:
            run.openStreams -= 1
            if run.openStreams <= 0 {
                let waiting = run.streamsDrained
                run.streamsDrained = []
                for continuation in waiting { continuation.resume() }
            }
        }
    }

    func apply(_ events: [TelemetryEvent], to run: LiveRun, stream: String) {
        for event in events {
            switch event {
            case .output(let text): output(text, stream: stream == "usage" ? "out" : stream, of: run)
            case .usage(let tokens, let cost, let model): usage(tokens, reportedCost: cost, model: model, of: run)
            case .result(let text, let isError):
                run.resultText = text
                run.resultIsError = isError
            }
        }
    }

    func output(_ text: String, stream: String, of run: LiveRun) {
        run.log.append(stream == "err" ? "[err] " + text : text)
        run.feed.append(kind: "output", service: "run", stream: stream, text: text)
    }

    /// Cumulative usage: the new totals, their cost (reported by the backend, else tokens × rate), one cost event
    /// for the difference, and a kill when the run's own budget is passed.
    func usage(_ tokens: TokenCounts, reportedCost: Int64?, model: String?, of run: LiveRun) {
        run.usageSeen = true
        let previous = run.info.tokens
        let previousCost = run.info.cost.micros
        let backend = Backend(rawValue: run.info.backend) ?? .custom
        let usedModel = model ?? run.info.model
        var cost = previousCost
        var source = "backend"
        if let reportedCost {
            cost = reportedCost
            source = backend == .custom ? "report" : "backend"
        } else if let rate = rates.rate(backend: backend, model: usedModel) {
            cost = RateTable.cost(tokens, at: rate)
            source = "rates"
        }
        run.info.tokens = tokens
        // A cost the backend reports is the truth, even below an estimate from the rate table made earlier in the run
        // (the difference is recorded as a correcting cost event); an estimate never goes down.
        run.info.cost = MoneyAmount(micros: reportedCost != nil ? cost : max(cost, previousCost))
        if run.info.model == nil, let model { run.info.model = model }
        let delta = TokenCounts(
            input: tokens.input - previous.input, output: tokens.output - previous.output, cacheRead: tokens.cacheRead - previous.cacheRead,
            cacheWrite: tokens.cacheWrite - previous.cacheWrite)
        try? store.addCostEvent(
            CostEventInfo(
                run: run.info.id, at: clock.nowMillis(), model: usedModel, tokens: delta, micros: run.info.cost.micros - previousCost,
                source: source))
        try? store.saveRun(run.info)
        run.feed.append(kind: "usage", service: "run", stream: source, text: Self.json(RunUsageUpdate(tokens: tokens, cost: run.info.cost)))
        if run.info.cost.micros > run.info.budget.micros && run.killReason == nil {
            stop(run.info.id, reason: "run-budget")
        }
        if let project = WalletService.project(of: run.info.identity) { guardBudget(of: project) }
    }

    /// A usage report from a custom agent over HTTP (`pd usage report`), checked against the run's own token.
    public func report(_ report: UsageReport, run key: String, token: String?) throws(PortDaddyError) {
        guard let run = live[key] else {
            if try store.run(key) != nil { throw .invalidRequest("run \(key) has ended; usage can no longer be reported") }
            throw .notFound("no run \(key)")
        }
        guard let token, Secret.equal(token, run.token) else { throw .invalidRunToken }
        guard report.input >= 0, report.output >= 0, (report.cacheRead ?? 0) >= 0, (report.cacheWrite ?? 0) >= 0 else {
            throw .invalidRequest("token counts must not be negative")
        }
        var cost: Int64?
        if let usd = report.costUsd {
            guard let micros = Money.micros(roundingReported: usd) else {
                throw .invalidRequest("costUsd \"\(usd)\" is not an amount in USD between 0 and 1,000,000")
            }
            cost = micros
        }
        usage(
            TokenCounts(input: report.input, output: report.output, cacheRead: report.cacheRead ?? 0, cacheWrite: report.cacheWrite ?? 0),
            reportedCost: cost, model: report.model, of: run)
    }
}

extension RunService {
    /// A feed payload as one line of JSON.
    static func json(_ value: some Encodable) -> String {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
