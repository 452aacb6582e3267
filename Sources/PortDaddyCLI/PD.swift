import ArgumentParser
import Foundation
import PortDaddyAPI
import Synchronization

/// The root of the `pd` command tree.
public struct PD: AsyncParsableCommand {
    /// Commands that live in their own targets and reach the tree through the `pd` executable (`pd bench`,
    /// target PortDaddyBench), so this library need not link what they use. Set once by `PDMain.start(linking:)`.
    static let linked = Mutex<[any ParsableCommand.Type]>([])

    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "pd",
            abstract: "Port Daddy: stable, conflict-free ports for every dev server and agent on this machine.",
            discussion:
                "Exit codes: 0 ok, 1 failure, 2 bad input, 3 daemon unreachable, 4 conflict (port, lock, file, session, timeout) or a "
                + "launch refused by policy, 5 "
                + "not found, 6 daemon already running, 7 not the lock owner (or not a closed harbor's member), 8 a stack did not come up, "
                + "9 an agent run failed or was killed, 10 pd trust could not finish every step, 127 the command could not be started, "
                + "130 a foreground pd up stopped with Ctrl-C.",
            version: "pd " + PortDaddyVersion.current,
            subcommands: [
                Claim.self, Release.self, Find.self, Env.self, Run.self,
                GetPort.self, ReleasePort.self, ListPorts.self,
                Daemon.self, Start.self, Stop.self, Restart.self, Status.self,
                LockGroup.self, Unlock.self, Locks.self, WithLock.self,
                Pub.self, Sub.self, Tube.self, Channels.self, Watch.self,
                Begin.self, Note.self, Notes.self, Phase.self, Done.self, Whoami.self, Sessions.self,
                ClaimFiles.self, WhoOwns.self, Files.self, Guard.self, Add.self, SnapshotGroup.self,
                HarborGroup.self, Harbors.self, TupleGroup.self, PheromoneGroup.self, GraphGroup.self,
                MCP.self, URLCommand.self, Open.self, DNS.self, Dashboard.self, Scan.self,
                Up.self, Down.self, PS.self, Logs.self,
                SpawnGroup.self, Spawned.self, Backends.self, Usage.self, SortieGroup.self, WalletGroup.self, BondGroup.self, FleetGroup.self,
                Actors.self, Actor.self,
                ChangelogGroup.self, Look.self, Sitrep.self, Briefing.self, MemoryGroup.self, Say.self, Advise.self, Preflight.self,
                AgentGroup.self, Agents.self, SalvageGroup.self, InboxGroup.self, Integration.self, Wait.self, Activity.self, WebhookGroup.self,
                Cleanup.self, Doctor.self, ClusterCommand.self, KeyGroup.self, ArbiterGroup.self, IntegrityCheck.self, Version.self, Demo.self,
                Install.self,
                Uninstall.self, OpenAPI.self,
            ] + linked.withLock { $0 } + [Completions.self])
    }

    public init() {}
}

/// Runs `pd` with the process arguments and exits with the documented code.
public enum PDMain {
    /// Names under which the binary acts as a v1 command (through a link).
    static let v1Names: Set<String> = ["get-port", "release-port", "list-ports"]

    /// Runs the full command tree, with the commands of other targets in `linked`, on the concurrency runtime
    /// from synchronous `main` code; never returns. `host` runs the daemon for `pd daemon` (the executable composes
    /// it).
    public static func start(
        _ argv: [String] = CommandLine.arguments, host: any DaemonHost, linking linked: [any ParsableCommand.Type] = []
    ) -> Never {
        DaemonHosting.install(host)
        PD.linked.withLock { $0 = linked }
        Task { await run(argv) }
        dispatchMain()
    }

    public static func run(_ argv: [String] = CommandLine.arguments) async -> Never {
        var args = Array(argv.dropFirst())
        let invokedAs = (argv.first ?? "pd").split(separator: "/").last.map(String.init) ?? "pd"
        if v1Names.contains(invokedAs) { args.insert(invokedAs, at: 0) }
        if let first = args.first, let problem = CommandSuggestion.problem(with: first) {
            Output.warn(problem)
            exit(PDExit.usage)
        }
        do {
            var command = try PD.parseAsRoot(args)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(PDExit.ok)
        } catch let error as CLIError {
            Output.warn(error.message)
            exit(error.exitCode)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = PD.exitCode(for: error)
            let message = PD.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(PDExit.ok)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            exit(code == .validationFailure ? PDExit.usage : code.rawValue)
        }
    }
}
