import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd arbiter [status]`, `pd arbiter mode observe|strict`, `pd arbiter test NAME`.
    struct ArbiterGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "arbiter", abstract: "The six invariants the daemon checks: their violations, and observe or strict mode.",
            subcommands: [ArbiterStatusCommand.self, ArbiterModeCommand.self, ArbiterTest.self], defaultSubcommand: ArbiterStatusCommand.self)
    }

    /// `pd arbiter status`.
    struct ArbiterStatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "The mode and, per invariant, how often it was checked and violated, and the last violation.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let status = try attempt { try client.arbiterStatus() }
            if global.json { return global.output.json(status) }
            global.output.line("mode: \(status.mode.rawValue)")
            for invariant in status.invariants {
                let name = invariant.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                global.output.line(
                    "\(name) \(invariant.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                        + "checked \(invariant.checked), violations \(invariant.violations)")
                if let last = invariant.lastViolation {
                    let flags = [last.synthetic ? "synthetic" : nil, last.action].compactMap { $0 }
                    global.output.line(
                        "    last: \(last.severity.rawValue): \(last.detail)" + (flags.isEmpty ? "" : " (\(flags.joined(separator: "; ")))"))
                }
            }
        }
    }

    /// `pd arbiter mode observe|strict`.
    struct ArbiterModeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mode", abstract: "Set the mode (needs the socket or the token); it is kept across restarts.",
            discussion: "observe records violations only. strict also declares the agent behind a critical violation dead, "
                + "so its session goes to salvage (pd salvage).")
        @OptionGroup var global: GlobalOptions
        enum Mode: String, ExpressibleByArgument, CaseIterable { case observe, strict }
        @Argument(help: "observe or strict") var mode: Mode

        func run() throws {
            let client = try global.client()
            let status = try attempt { try client.setArbiterMode(mode == .strict ? .strict : .observe) }
            if global.json { return global.output.json(status) }
            global.output.line("arbiter mode: \(status.mode.rawValue)")
        }
    }

    /// `pd arbiter test NAME`.
    struct ArbiterTest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "Record a synthetic violation of an invariant, changing no state (needs the socket or the token).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "PID_SQUATTING, CAPABILITY_ESCALATION, NOTE_MONOTONICITY, ESCROW_POSITIVITY, LOCK_OWNER_VALIDITY or HEARTBEAT_FRESHNESS")
        var name: String

        func run() throws {
            let client = try global.client()
            let violation = try attempt { try client.testInvariant(name) }
            if global.json { return global.output.json(violation) }
            global.output.line("recorded synthetic \(violation.severity.rawValue) violation of \(violation.invariant)")
        }
    }
}
