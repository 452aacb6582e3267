import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd wallet [PROJECT]`, `pd wallet top-up|budget PROJECT`.
    struct WalletGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wallet", abstract: "Project wallets: a balance that backs agents' bonds and a daily budget for their spend.",
            discussion:
                "A project with a wallet launches an agent run (identity PROJECT[:…]) only when today's spend, the budgets of its "
                + "running agents and the new run's budget fit the daily budget, and its balance covers the run's bond "
                + "(10 % of the budget, at least 0.01 USD). The bond comes back when the run ends.",
            subcommands: [Show.self, TopUp.self, Budget.self, Pending.self, Raise.self, Kill.self, Grace.self], defaultSubcommand: Show.self)

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one wallet, or every wallet.")
            @Argument(help: "The project (default: every wallet).") var project: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                if let project {
                    let wallet = try attempt { try client.wallet(project) }
                    if global.json { return global.output.json(wallet) }
                    return WalletGroup.print([wallet], to: global.output)
                }
                let all = try attempt { try client.wallets() }
                if global.json { return global.output.json(all) }
                if all.wallets.isEmpty { return global.output.line("no wallets (pd wallet top-up PROJECT --usd N)") }
                WalletGroup.print(all.wallets, to: global.output)
            }
        }

        struct TopUp: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "top-up", abstract: "Add money to a project's wallet (creates it).")
            @Argument(help: "The project.") var project: String
            @Option(name: .long, help: "How much, in USD (up to 6 decimals).") var usd: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let wallet = try attempt { try client.topUp(project, usd: usd) }
                if global.json { return global.output.json(wallet) }
                global.output.line("\(wallet.project): balance \(wallet.balance.usd) USD")
            }
        }

        struct Budget: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "budget", abstract: "Set a project's daily budget: what its agent runs may spend in a (local) day.")
            @Argument(help: "The project.") var project: String
            @Option(name: .customLong("usd-per-day"), help: "USD a day (up to 6 decimals).") var usdPerDay: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let wallet = try attempt { try client.setBudget(project, usdPerDay: usdPerDay) }
                if global.json { return global.output.json(wallet) }
                global.output.line("\(wallet.project): \(wallet.usdPerDay?.usd ?? "-") USD a day")
            }
        }

        struct Pending: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Agent runs over their project's allowance: each is killed at its deadline unless you raise, kill or grant grace.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let pending = try attempt { try client.pendingKills() }
                if global.json { return global.output.json(pending) }
                if pending.pending.isEmpty { return global.output.line("no run is waiting on its budget") }
                global.output.table(
                    ["RUN", "PROJECT", "SPENT TODAY", "ALLOWANCE", "KILLED", "GRACE USED"],
                    pending.pending.map { p in
                        [p.run, p.project, p.spentToday.usd, p.allowance.usd, Output.remaining(untilMillis: p.deadline), "\(p.extensions)/2"]
                    })
            }
        }

        struct Raise: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Raise a run's project's allowance for today; the project's pending kills clear when it is then under it.")
            @Option(name: .customLong("run"), help: "The run (id).") var runID: String?
            @Option(name: .long, help: "The run's agent id.") var agent: String?
            @Option(name: .long, help: "How much more, in USD.") var usd: String
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                if (runID == nil) == (agent == nil) { throw ValidationError("give --run ID or --agent ID") }
            }

            func run() throws {
                let client = try global.client()
                let key = runID ?? agent ?? ""
                let wallet = try attempt { try client.raise(run: key, usd: usd) }
                if global.json { return global.output.json(wallet) }
                global.output.line("\(wallet.project): allowance \(wallet.allowance?.usd ?? "-") USD today, spent \(wallet.spentToday.usd)")
            }
        }

        struct Kill: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Kill a run that waits on its budget, now.")
            @Argument(help: "The run (or its agent id).") var id: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let info = try attempt { try client.killPending(id) }
                if global.json { return global.output.json(info) }
                global.output.line("\(info.id) \(info.state.rawValue) (\(info.reason ?? "budget"))")
            }
        }

        struct Grace: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One more grace window for a run that waits on its budget (twice at most).")
            @Argument(help: "The run (or its agent id).") var id: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let pending = try attempt { try client.extendGrace(id) }
                if global.json { return global.output.json(pending) }
                global.output.line(
                    "\(pending.run): killed \(Output.remaining(untilMillis: pending.deadline)) unless raised (grace \(pending.extensions)/2)")
            }
        }

        static func print(_ wallets: [WalletInfo], to output: Output) {
            output.table(
                ["PROJECT", "BALANCE", "PER DAY", "SPENT TODAY", "RESERVED", "IN BONDS"],
                wallets.map { w in [w.project, w.balance.usd, w.usdPerDay?.usd ?? "-", w.spentToday.usd, w.reserved.usd, w.escrowed.usd] })
        }
    }

    /// `pd bond list`, `pd bond slash ID`.
    struct BondGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bond", abstract: "Bonds escrowed for agent runs: list them, or slash one (keep a portion, with a reason).",
            subcommands: [List.self, Slash.self], defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List bonds, newest first.")
            @Option(name: .long, help: "Only this project's.") var project: String?
            @Option(name: .long, help: "escrowed, refunded, slashed or held.") var state: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let bonds = try attempt { try client.bonds(project: project, state: state) }
                if global.json { return global.output.json(bonds) }
                if bonds.bonds.isEmpty { return global.output.line("no bonds") }
                global.output.table(
                    ["BOND", "RUN", "PROJECT", "AMOUNT", "STATE", "SLASHED", "REASON"],
                    bonds.bonds.map { b in [b.id, b.run, b.project, b.amount.usd, b.state.rawValue, b.slashed.usd, b.reason ?? "-"] })
            }
        }

        struct Slash: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "slash", abstract: "Keep a portion of an escrowed or held bond and give the rest back.")
            @Argument(help: "The bond id.") var id: String
            @Option(name: .long, help: "The portion kept: above 0, at most 1 (e.g. 0.5).") var portion: String
            @Option(name: .long, help: "Why (kept in the bond and the wallet's ledger).") var reason: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let bond = try attempt { try client.slashBond(id, portion: portion, reason: reason) }
                if global.json { return global.output.json(bond) }
                global.output.line("\(bond.id): kept \(bond.slashed.usd) of \(bond.amount.usd) USD (\(bond.reason ?? ""))")
            }
        }
    }
}
