import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyFleetConfig

/// `pd fleet up` in the foreground: the daemon runs the fleet `attached` to this command, which streams its lifecycle
/// events as coloured lines. Ctrl-C stops the fleet (its running agents are killed) and exits 130; if this command
/// dies any other way (terminal closed, killed), the daemon notices its stream end and stops the fleet itself.
enum FleetForeground {
    static func run(global: GlobalOptions) throws {
        let (root, config, project) = try PD.FleetUp.located()
        let client = try global.client()
        if let running = try attempt({ try client.fleets() }).fleets.first(where: { $0.project == project }),
            running.mode == "daemon" && running.state != "stopped"
        {
            throw CLIError(
                "the fleet of \(project) already runs in the daemon: pd fleet events -f follows it, pd fleet down stops it",
                exitCode: PDExit.portUnavailable)
        }
        let start = try attempt { try client.channels() }.cursor
        let fleet = try attempt {
            try client.fleetUp(project, FleetUpRequest(path: root, env: ProcessInfo.processInfo.environment, attached: true))
        }
        guard let key = fleet.attachToken else { throw CLIError("the daemon did not attach this fleet (is it older than this pd?)") }
        let printer = FleetEventPrinter(output: global.output, json: global.json)
        if !global.json {
            global.output.line(
                global.output.bold("fleet \(config.name)") + " running for \(project) in the foreground: "
                    + fleet.agents.map(\.name).joined(separator: ", ") + global.output.dim("  (Ctrl-C stops it)"))
            fflush(nil)
        }
        let interrupt = InterruptHandler.stopping(fleetOf: project, client: client)
        var stopped = false
        do {
            try client.events(PortDaddyClient.fleetEventsPath(project: nil, attach: key), after: start) { event in
                guard let line = printer.print(event) else { return true }
                stopped = line.type == "fleet.stopped"
                return !stopped
            }
        } catch {
            if interrupt.triggered { interrupt.waitForExit() }
            throw CLIError(error)
        }
        if interrupt.triggered { interrupt.waitForExit() }
        if !stopped { throw CLIError("the daemon ended the stream; the fleet stopped with it", exitCode: PDExit.unreachable) }
    }
}
