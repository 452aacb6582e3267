import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

/// Launches a run and, unless detached, follows it to its end: output lines on stdout (the agent's stderr on
/// stderr), usage and state changes on stderr, then the result. Ctrl-C kills the run (exit 130); a second Ctrl-C
/// leaves at once. A closed terminal (SIGHUP) ends only this follower: the run goes on.
enum RunAttachment {
    static func launch(_ request: SpawnRequest, _ options: SpawnOptions, _ global: GlobalOptions) throws {
        let client = try global.client()
        let answer = try attempt { try client.spawn(request) }
        let output = global.output
        if let preflight = answer.preflight {
            if global.json { return output.json(answer) }
            for check in preflight { output.line("\(check.ok ? "✔" : "✘") \(check.check): \(check.detail)") }
            output.line("argv: " + ShellWord.line(answer.argv ?? []))
            // The shell's own variables pass through unchanged: list the ones the run adds or --env sets.
            let shell = ProcessInfo.processInfo.environment
            let added = (answer.envNames ?? []).filter { shell[$0] == nil || request.env?[$0] != shell[$0] }
            let inherited = (answer.envNames ?? []).count - added.count
            output.line("env:  " + added.map { "\($0)=***" }.joined(separator: " ") + " (+ \(inherited) from your shell)")
            return
        }
        guard let run = answer.run else { throw CLIError("the daemon answered without a run") }
        if options.detach {
            if global.json { return output.json(run) }
            return output.line(run.id)
        }
        if !options.quiet { Output.warn("started \(run.id) \"\(run.name)\" as agent \(run.agentID) (pid \(run.pid.map(String.init) ?? "-"))") }
        let interrupt = InterruptHandler.killing(run: run.id, client: client)
        let (end, lastLine) = try follow(run.id, quiet: options.quiet, global)
        if options.quiet {
            if end?.state == .succeeded, let result = end?.result { output.line(result) }
        } else if let end {
            // The result, unless it was the agent's last line anyway.
            if let result = end.result, !result.isEmpty, result != lastLine { output.line(result) }
            Output.warn(
                "\(run.id) \(end.state.rawValue)" + (end.reason.map { " (\($0))" } ?? "") + " · \(end.tokens.input) in / \(end.tokens.output) out"
                    + " tokens · $\(end.cost.usd)")
        }
        if interrupt.triggered { throw ExitCode(130) }
        guard end?.state == .succeeded else {
            if options.quiet { throw CLIError("\(run.id) \(end?.state.rawValue ?? "ended")", exitCode: PDExit.runFailed) }
            throw ExitCode(PDExit.runFailed)
        }
    }

    /// Prints a run's feed until its end event; returns that and the last output line printed.
    static func follow(_ id: String, quiet: Bool, _ global: GlobalOptions) throws -> (RunEnd?, String?) {
        var end: RunEnd?
        var lastLine: String?
        var lastUsage: RunUsageUpdate?
        let decoder = JSONDecoder()
        let output = global.output
        try followEvents(global, path: PortDaddyClient.runStreamPath(id), after: 0) { event in
            guard let item = try? decoder.decode(StackEvent.self, from: Data(event.data.utf8)) else { return .skip }
            switch item.kind {
            case "output":
                if !quiet {
                    if item.stream == "err" {
                        Output.warn(item.text)
                    } else {
                        output.line(item.text)
                        lastLine = item.text
                    }
                    // Lines go out as they come, also into a pipe or a file.
                    fflush(nil)
                }
            case "usage":
                if !quiet, let usage = try? decoder.decode(RunUsageUpdate.self, from: Data(item.text.utf8)), usage != lastUsage {
                    Output.warn(output.dim("usage: \(usage.tokens.input) in / \(usage.tokens.output) out tokens · $\(usage.cost.usd)"))
                    lastUsage = usage
                }
            case "state":
                // The start was already announced; later changes (stopping) are news.
                if !quiet && item.stream != "running" { Output.warn(output.dim(item.text)) }
            case "end":
                end = try? decoder.decode(RunEnd.self, from: Data(item.text.utf8))
                return .stop(item.id)
            default: return .skip
            }
            return .seen(item.id)
        }
        return (end, lastLine)
    }
}
