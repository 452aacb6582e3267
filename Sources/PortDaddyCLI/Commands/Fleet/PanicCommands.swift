import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd fleet panic --reason R [--confirm]`: the two-step red button.
    struct FleetPanic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "panic", abstract: "Arm the panic switch; confirm it to kill every agent run and refuse spawns until unpanic.",
            discussion:
                "The first call arms the switch; a second call with --confirm within the window (PORT_DADDY_PANIC_WINDOW, 30 s) "
                + "kills every agent run (reason panic, bonds refunded). On a terminal, pd asks you to type PANIC instead.")
        @Option(name: .long, help: "Why (recorded).") var reason: String
        @Flag(name: .long, help: "Fire an armed switch (for scripts).") var confirm = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            var fire = confirm
            if !fire {
                let armed = try attempt { try client.panic(reason: reason, confirm: false) }
                if armed.panicked {
                    if global.json { return global.output.json(armed) }
                    return global.output.line("already panicked: nothing spawns until pd fleet unpanic --reason R")
                }
                guard isatty(0) == 1 && isatty(1) == 1 && !global.json else {
                    if global.json { return global.output.json(armed) }
                    return global.output.line(
                        "armed: confirm \(Output.remaining(untilMillis: armed.confirmBy ?? 0)) with pd fleet panic --reason … --confirm")
                }
                Swift.print("Type PANIC to kill every agent run: ", terminator: "")
                fire = readLine()?.trimmingCharacters(in: .whitespaces) == "PANIC"
                guard fire else { throw CLIError("not confirmed: the switch stays armed until its window passes", exitCode: PDExit.refused) }
            }
            let fired = try attempt { try client.panic(reason: reason, confirm: true) }
            if global.json { return global.output.json(fired) }
            let killed = fired.killed ?? []
            global.output.line(
                "PANICKED: \(killed.count) run(s) killed" + (killed.isEmpty ? "" : " (\(killed.joined(separator: ", ")))")
                    + (fired.refunded.map { ", \($0.usd) USD of bonds refunded" } ?? "") + "; pd fleet unpanic --reason R to spawn again")
        }
    }

    /// `pd fleet unpanic --reason R`.
    struct FleetUnpanic: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unpanic", abstract: "Clear the panic switch: spawning works again.")
        @Option(name: .long, help: "Why (recorded).") var reason: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let cleared = try attempt { try client.unpanic(reason: reason) }
            if global.json { return global.output.json(cleared) }
            global.output.line("calm: spawning works again")
        }
    }
}
