import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

extension PD {
    /// `pd daemon`: run the daemon in the foreground.
    struct Daemon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon in the foreground (what systemd and launchd start).")

        @Option(name: .long, help: "TCP port (default $PORT_DADDY_PORT or 9876; 0 lets the OS choose).") var port: Int?
        @Option(name: .long, help: "Address to listen on (default 127.0.0.1).") var host: String = "127.0.0.1"
        @Flag(name: .long, help: "Allow listening on a non-loopback address.") var allowRemote = false
        @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"
        @Option(name: .long, help: "DNS responder port (default $PORT_DADDY_DNS_PORT; 0 = off; 'auto' lets the OS choose).") var dnsPort: String?
        @Option(name: .long, help: "DNS domain (default $PORT_DADDY_DNS_DOMAIN or pd.local; pd.test is recommended).") var dnsDomain: String?
        @Option(name: .long, help: "Reverse proxy port (default $PORT_DADDY_PROXY_PORT, else 80 if bindable, else 1380; 0 = off; 'auto').")
        var proxyPort: String?
        @Option(
            name: .long,
            help: "Join a cluster: postgres://user@host:5432/db (default $PORT_DADDY_CLUSTER_URL; the password from a file or PGPASSWORD).")
        var cluster: String?
        @Option(name: .long, help: "This node's name in the cluster (default $PORT_DADDY_NODE, else the host name).") var node: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            if let port {
                guard PortNumber.listenRange.contains(port) else { throw CLIError("--port \(port) is out of range", exitCode: PDExit.usage) }
            }
            if let dnsDomain {
                guard HostNames.isValidDomain(dnsDomain) else { throw CLIError("--dns-domain \(dnsDomain) is not a domain", exitCode: PDExit.usage) }
            }
            let options = DaemonOptions(
                tcpPort: port, tcpHost: host, allowRemote: allowRemote, logLevel: logLevel,
                dnsPort: try dnsPort.map { try Self.choice($0, flag: "--dns-port") }, dnsDomain: dnsDomain?.lowercased(),
                proxyPort: try proxyPort.map { try Self.choice($0, flag: "--proxy-port") },
                clusterURL: cluster ?? PortDaddyEnvironment.value("PORT_DADDY_CLUSTER_URL"), node: node)
            try await DaemonHosting.current.runDaemon(options, environment: global.environment)
        }

        /// `auto`, `0` (off) or a port number.
        static func choice(_ text: String, flag: String) throws(CLIError) -> DaemonOptions.PortChoice {
            if text == "auto" { return .automatic }
            guard let n = Int(text), PortNumber.listenRange.contains(n) else {
                throw CLIError("\(flag) \(text) is not a port or 'auto'", exitCode: PDExit.usage)
            }
            return n == 0 ? .off : .port(n)
        }
    }

    /// `pd start`: start a background daemon.
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the daemon in the background (no-op if it runs).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let env = global.environment
            if let status = try? global.passiveClient().status() {
                return report(status, verb: "already running")
            }
            let launcher = DaemonLauncher(environment: env, endpoint: try attempt { try DaemonEndpoint.from(env) })
            try attempt { try launcher.start() }
            report(try attempt { try global.passiveClient().status() }, verb: "started")
        }

        func report(_ status: StatusResponse, verb: String) {
            if global.json { return global.output.json(status) }
            global.output.line("Port Daddy \(verb): pid \(status.pid), socket \(status.socket), http://\(status.tcpHost):\(status.tcpPort)")
        }
    }

    /// `pd stop`: stop the background daemon.
    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the daemon gracefully (no-op if none runs).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            warnAboutRunningStacks(global)
            let stopped = try DaemonControl.stop(global.environment)
            global.output.line(stopped.map { "Port Daddy stopped (pid \($0))" } ?? "Port Daddy is not running")
        }
    }

    /// `pd restart`.
    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "pd restart <service…>: restart stack services; pd restart alone: stop and start the daemon (claims are kept).")
        @Argument(help: "Services of this project's stack to restart (none: restart the daemon).") var services: [String] = []
        @OptionGroup var stack: StackOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            if !services.isEmpty {
                let location = try stack.locate()
                try location.check(services)
                let key = try location.runningKey(try global.client())
                let info = try attempt { try global.client().stackRestart(key, services: services) }
                if global.json { return global.output.json(info) }
                return global.output.line("restarting \(services.joined(separator: ", ")) of \(key); pd logs -f to watch")
            }
            let env = global.environment
            warnAboutRunningStacks(global)
            _ = try DaemonControl.stop(env)
            let launcher = DaemonLauncher(environment: env, endpoint: try attempt { try DaemonEndpoint.from(env) })
            try attempt { try launcher.start() }
            let status = try attempt { try global.passiveClient().status() }
            if global.json { return global.output.json(status) }
            global.output.line("Port Daddy restarted: pid \(status.pid), \(status.claims) claim(s) kept")
        }
    }

    /// `pd status`.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the daemon runs, where, and what it holds.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let status: StatusResponse
            do { status = try global.passiveClient().status() } catch let error as ClientError {
                throw CLIError(error)
            } catch let error as CLIError {
                throw error
            }
            if global.json { return global.output.json(status) }
            let out = global.output
            out.line("\(out.green("●")) Port Daddy \(status.version) running, pid \(status.pid), up \(Output.span(seconds: status.uptimeSeconds))")
            out.line("  data dir  \(status.home)")
            out.line("  socket    \(status.socket)")
            out.line("  http      http://\(status.tcpHost):\(status.tcpPort)")
            out.line("  proxy     " + (status.proxyPort.map { "http://<name>.localhost" + ($0 == 80 ? "" : ":\($0)") + "/ (port \($0))" } ?? "off"))
            out.line("  dns       " + (status.dnsPort.map { "port \($0), domain \(status.dnsDomain ?? "?")" } ?? "off"))
            let stacks = status.stacks ?? []
            out.line("  stacks    " + (stacks.isEmpty ? "none running" : "\(stacks.count) running: \(stacks.joined(separator: ", "))"))
            if let runs = status.runs {
                let names = runs.names.prefix(5).joined(separator: ", ") + (runs.names.count > 5 ? ", …" : "")
                out.line("  agents    " + (runs.running == 0 ? "none running" : "\(runs.running) running: \(names)"))
                out.line(
                    "  spend     $\(runs.spentToday.usd) today"
                        + ((runs.pendingKills ?? 0) > 0 ? ", \(runs.pendingKills ?? 0) run(s) over budget (pd wallet pending)" : ""))
                if runs.panicked == true { out.line("  PANICKED  nothing spawns until pd fleet unpanic --reason R") }
            }
            if let fleets = status.fleets {
                out.line(
                    "  fleets    "
                        + (fleets.fleets == 0
                            ? "none running"
                            : "\(fleets.fleets) running, \(fleets.agentsRunning) agent(s) at work, \(fleets.queued) wake(s) waiting"
                                + (fleets.invalid > 0 ? ", \(fleets.invalid) with an invalid file (pd fleet status)" : "")))
            }
            out.line("  claims    \(status.claims) (range \(status.rangeStart)-\(status.rangeEnd), \(status.reaped) reaped)")
            out.line("  reaper    every \(Int(status.reapIntervalSeconds))s, grace \(Int(status.reapGraceSeconds))s")
            if let cluster = try? global.passiveClient().cluster() {
                let alive = cluster.nodes.filter(\.alive).count
                out.line(
                    "  cluster   node \(cluster.node) at \(cluster.url), "
                        + (cluster.reachable ? "\(alive) of \(cluster.nodes.count) node(s) alive" : out.red("unreachable: \(cluster.outage ?? "")")))
            }
        }
    }
}

/// Stops a daemon by its data dir: SIGTERM to the PID in `daemon.json`, then waits for the lock to free.
enum DaemonControl {
    /// Returns the PID it stopped, or `nil` when no daemon ran.
    static func stop(_ env: PortDaddyEnvironment, timeoutSeconds: Double = 20) throws -> Int? {
        guard lockHeld(env) else { return nil }
        guard let data = FileManager.default.contents(atPath: env.runtimeFile),
            let info = try? JSONDecoder().decode(RuntimeInfo.self, from: data)
        else {
            throw CLIError("a daemon holds \(env.lockFile) but \(env.runtimeFile) is missing; stop it by hand")
        }
        guard kill(pid_t(info.pid), SIGTERM) == 0 else {
            throw CLIError("cannot signal pid \(info.pid): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if !lockHeld(env) { return info.pid }
            usleep(10_000)
        }
        throw CLIError("the daemon (pid \(info.pid)) did not stop within \(Int(timeoutSeconds)) s")
    }

    /// Whether some process holds the data dir's exclusive lock.
    static func lockHeld(_ env: PortDaddyEnvironment) -> Bool {
        DataDirLock.isHeld(env.lockFile)
    }
}

/// Stopping the daemon stops the stacks it supervises (their processes would otherwise be orphans): say which.
func warnAboutRunningStacks(_ global: GlobalOptions) {
    guard let client = try? global.passiveClient(), let stacks = try? client.stacks().stacks, !stacks.isEmpty else { return }
    Output.warn(
        "stopping the daemon stops \(stacks.count) stack(s): \(stacks.map(\.key).joined(separator: ", ")); run pd up in each again afterwards")
}

extension PD {
    /// `pd integrity-check PATH` (hidden): SQLite's integrity check of a database file, opened read-only; how the
    /// `pd` that holds no SQLite code asks `pd-daemon` for `pd doctor`.
    struct IntegrityCheck: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "integrity-check", abstract: "Check a Port Daddy database file (for pd doctor).", shouldDisplay: false)
        @Argument(help: "The database file.") var path: String

        func run() throws {
            print(try DaemonHosting.current.integrityCheck(readingOnly: path))
        }
    }
}
