import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd up [service…] [-d] [--no-health]`.
    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the project's services in dependency order, each once what it needs is ready.",
            discussion: """
                The daemon supervises the processes. In the foreground, pd up streams every service's output \
                (name | line; '!' marks stderr; 'pd »' lines are the supervisor's) until Ctrl-C, which stops the \
                stack (exit 130). With -d it returns once every service is ready (exit 8 if one fails).
                """)
        @Argument(help: "Services to start, with what they need (default: all).") var services: [String] = []
        @Flag(name: .shortAndLong, help: "Detach: return once every service is ready.") var detach = false
        @Flag(name: .long, help: "Do not wait for readiness checks: a service is ready once started.") var noHealth = false
        @OptionGroup var stack: StackOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let location = try stack.locate()
            try location.check(services)
            let client = try global.client()
            let request = StackUpRequest(
                root: location.root, context: location.context, services: services,
                environment: ProcessInfo.processInfo.environment, noHealth: noHealth)
            if detach {
                let info = try attempt { try client.stackUp(request, wait: true) }
                if global.json { return global.output.json(info) }
                StackTable.print(info, output: global.output)
                return
            }
            let info = try attempt { try client.stackUp(request, wait: false) }
            try foreground(info, location: location)
        }

        func foreground(_ info: StackInfo, location: StackLocation) throws {
            let printer = StackLogPrinter(services: Array(location.config.services.keys) + ["pd"], color: global.output.color)
            let side = try global.passiveClient()
            let key = info.key
            let stopper = StackInterrupt(key: key, client: try global.passiveClient())
            Output.warn("starting \(key) (\(info.services.count) services); Ctrl-C stops it, closing the terminal leaves it running")
            var everReady = false
            var failure: String?
            try followEvents(global, path: PortDaddyClient.stackStreamPath(key), after: info.cursor, failFast: true) { event in
                guard let id = event.id.flatMap({ Int64($0) }) else { return event.event == "end" ? .stop(0) : .skip }
                guard let data = event.data.data(using: .utf8), let item = try? JSONDecoder().decode(StackEvent.self, from: data) else {
                    return .seen(id)
                }
                printer.print(item)
                if item.kind == "state", !stopper.triggered, let now = try? side.stack(key) {
                    if now.state == "ready" && !everReady {
                        everReady = true
                        let urls = now.services.compactMap { s in s.url.map { "\(s.name) \($0)" } }.joined(separator: ", ")
                        printer.print(
                            StackEvent(
                                id: 0, at: 0, kind: "state", service: "pd", stream: "ready",
                                text: "all \(now.services.count) services ready" + (urls.isEmpty ? "" : ": \(urls)")))
                    } else if !everReady && failure == nil {
                        // The same rule as pd up -d: a failed service, a blocked one, or one never ready in time.
                        let stuck = now.services.first { $0.state == "unhealthy" && $0.readyAt == nil }
                        if now.state == "failed" || stuck != nil {
                            failure =
                                now.failure ?? (stuck ?? now.services.first { ["exited", "blocked"].contains($0.state) })
                                .map { "\($0.name) \($0.state)" + ($0.detail.map { ": \($0)" } ?? "") } ?? "a service failed"
                            stopper.stop(reason: "stopping the stack: \(failure!)")
                        }
                    }
                }
                return .seen(id)
            }
            if let failure { throw CLIError("stack \(key) did not come up: \(failure)", exitCode: PDExit.stackFailed) }
            if stopper.triggered { throw ExitCode(130) }
        }
    }

    /// `pd down [service…]`.
    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the project's services in reverse dependency order (whole process trees) and release their ports.")
        @Argument(help: "Services to stop (default: the whole stack).") var services: [String] = []
        @OptionGroup var stack: StackOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let location = try stack.locate()
            try location.check(services)
            let key = try location.runningKey(try global.client())
            let info = try attempt { try global.client().stackDown(key, services: services) }
            if global.json { return global.output.json(info) }
            // The daemon says what it stopped (a service already gone, or never started, is not named).
            let names = info.services.map(\.name)
            global.output.line(names.isEmpty ? "stopped \(key): nothing was running" : "stopped \(key): \(names.joined(separator: ", "))")
        }
    }

    /// `pd ps [--all]`.
    struct PS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ps", abstract: "Show the services of this project's stack (every stack with --all, or outside a project).")
        @Flag(name: .shortAndLong, help: "Every running stack.") var all = false
        @OptionGroup var stack: StackOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            var stacks = try attempt { try client.stacks().stacks }
            // Outside a project (and without -C), every stack.
            let here = stack.dir == nil ? try? stack.locate() : try stack.locate()
            if !all, let here {
                let fallback = here.contextGiven ? nil : stacks.first { $0.root == here.root }?.key
                let key = stacks.contains { $0.key == here.key } ? here.key : (fallback ?? here.key)
                stacks = stacks.filter { $0.key == key }
                if stacks.isEmpty && !global.json {
                    throw CLIError("no stack \(key) is running; pd up starts it (pd ps --all lists every stack)", exitCode: PDExit.notFound)
                }
            }
            if global.json { return global.output.json(StacksResponse(stacks: stacks)) }
            if stacks.isEmpty { return global.output.line("no stacks running") }
            for (i, info) in stacks.enumerated() {
                if i > 0 { global.output.line() }
                StackTable.print(info, output: global.output)
            }
        }
    }

    /// `pd logs [service] [-f] [-n N]`.
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the last lines a stack's services wrote (kept in memory, 1,000 per service); -f follows.")
        @Argument(help: "One service (default: all, interleaved).") var service: String?
        @Flag(name: .shortAndLong, help: "Keep printing new lines.") var follow = false
        @Option(name: [.customShort("n"), .long], help: "Lines to show first.") var lines = 100
        @OptionGroup var stack: StackOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let location = try stack.locate()
            if let service { try location.check([service]) }
            let client = try global.client()
            let key = try location.runningKey(client)
            let logs = try attempt { try client.stackLogs(key, service: service, lines: max(0, lines)) }
            let printer = StackLogPrinter(services: Array(location.config.services.keys) + ["pd"], color: global.output.color)
            if global.json && !follow { return global.output.json(logs) }
            for event in logs.events { global.json ? global.output.json(event) : printer.print(event) }
            guard follow else { return }
            try followEvents(global, path: PortDaddyClient.stackStreamPath(key), after: logs.cursor) { event in
                guard let id = event.id.flatMap({ Int64($0) }) else { return event.event == "end" ? .stop(0) : .skip }
                if let data = event.data.data(using: .utf8), let item = try? JSONDecoder().decode(StackEvent.self, from: data),
                    service == nil || item.service == service || (item.kind == "state" && item.service == "pd")
                {
                    global.json ? global.output.json(item) : printer.print(item)
                }
                return .seen(id)
            }
        }
    }
}

/// The `pd ps` table of one stack.
enum StackTable {
    static func print(_ info: StackInfo, output: Output) {
        let state = info.state == "ready" ? output.green(info.state) : info.state == "failed" ? output.red(info.state) : output.yellow(info.state)
        output.line("\(output.bold(info.key))  \(state)  \(output.dim(info.root))" + (info.failure.map { "  — \($0)" } ?? ""))
        let rows = info.services.map { s -> [String] in
            var stateText = s.state
            if s.state == "exited", let code = s.exitCode { stateText = "exited (\(code))" }
            let uptime = s.pid != nil ? (s.startedAt.map { Output.age(sinceMillis: $0).replacingOccurrences(of: " ago", with: "") } ?? "-") : "-"
            return [
                s.name, s.identity, s.port.map(String.init) ?? "-", s.pid.map(String.init) ?? "-", stateText, uptime, String(s.restarts),
                s.url ?? (s.detail ?? ""),
            ]
        }
        output.table(["SERVICE", "IDENTITY", "PORT", "PID", "STATE", "UPTIME", "RESTARTS", "URL"], rows)
        for s in info.services where s.detail != nil && s.state != "ready" {
            output.line(output.dim("  \(s.name): \(s.detail!)"))
        }
    }
}

/// Ctrl-C during `pd up`: the first stops the stack (the feed then ends and `pd up` exits 130); a second one
/// exits at once and leaves the daemon to finish stopping.
final class StackInterrupt: @unchecked Sendable {
    private let key: String
    private let endpoint: DaemonEndpoint
    private let token: String?
    private let lock = NSLock()
    private var count = 0
    private var source: (any DispatchSourceSignal)?

    init(key: String, client: PortDaddyClient) {
        self.key = key
        self.endpoint = client.endpoint
        self.token = client.token
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "pd.up.interrupt"))
        source.setEventHandler { [self] in
            let n = lock.withLock { () -> Int in
                count += 1
                return count
            }
            if n == 1 { stop(reason: "stopping \(key)…") } else { exit(130) }
        }
        source.resume()
        self.source = source
    }

    /// Whether a stop was asked for.
    var triggered: Bool { lock.withLock { count > 0 } }

    /// Stops the stack (from the signal queue or from the event loop).
    func stop(reason: String) {
        lock.withLock { count = max(count, 1) }
        Output.warn(reason)
        DispatchQueue.global().async { [key, endpoint, token] in
            let client = PortDaddyClient(endpoint: endpoint)
            client.token = token
            do { _ = try client.stackDown(key) } catch { Output.warn("could not stop \(key): \(error)") }
        }
    }
}
