import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd actors [--project P]`.
    struct Actors: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "actors", abstract: "The running fleets' actors: mailbox, bodies, state (messages to them only queue).")
        @Option(help: "Only this project's fleet.") var project: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let client = try global.client()
            let all = try attempt { try client.actors(project: project) }
            if global.json { return global.output.json(all) }
            if all.actors.isEmpty { return global.output.line("no actors (declare them under fleet.actors in pd-fleet.yml)") }
            global.output.table(
                ["PROJECT", "ACTOR", "ALIASES", "STATE", "QUEUED", "BODIES", "LIVE BODY"],
                all.actors.map(PD.actorRow))
        }
    }

    /// One actor as a table row.
    static func actorRow(_ actor: ActorInfo) -> [String] {
        let name: String = actor.display.map { "\(actor.name) (\($0))" } ?? actor.name
        let aliases = actor.aliases.isEmpty ? "-" : actor.aliases.joined(separator: ",")
        let bodies = actor.bodies.isEmpty ? "-" : actor.bodies.joined(separator: ",")
        return [actor.project, name, aliases, actor.state, String(actor.mailbox.queued), bodies, actor.liveBody ?? "-"]
    }

    /// `pd actor NAME [--message TEXT | --inbox | --inbox-stats]`.
    struct Actor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "actor",
            abstract: "Show an actor (by name or alias), queue a message on its mailbox, or read what waits there.",
            discussion: "A message only queues: it wakes a body only if a fleet agent with actor: NAME has trigger: mailbox.")
        @Argument(help: "The actor's name or one of its aliases (any case).") var name: String
        @Option(help: "Queue this message on its mailbox.") var message: String?
        @Flag(help: "List the messages waiting in its mailbox.") var inbox = false
        @Flag(name: .customLong("inbox-stats"), help: "Only the mailbox figures: queued, oldest age, last wake, live body.")
        var inboxStats = false
        @Option(help: "The project, when several running fleets have an actor of that name.") var project: String?
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard [message != nil, inbox, inboxStats].filter({ $0 }).count <= 1 else {
                throw ValidationError("--message, --inbox and --inbox-stats do not go together")
            }
        }

        func run() throws {
            let client = try global.client()
            if let message {
                let sender = AgentContext.current()
                let ack = try attempt { try client.sendToActor(name, ActorMessageRequest(text: message, sender: sender, project: project)) }
                if global.json { return global.output.json(ack) }
                return global.output.line("queued \(ack.queued) for \(ack.actor) (\(ack.project)) on \(ack.channel)")
            }
            if inbox {
                let waiting = try attempt { try client.actorInbox(name, project: project) }
                if global.json { return global.output.json(waiting) }
                if waiting.messages.isEmpty { return global.output.line("\(waiting.actor)'s mailbox is empty") }
                global.output.table(
                    ["ID", "FROM", "MESSAGE"], waiting.messages.map { [String($0.id), $0.sender ?? "-", $0.message] })
                return
            }
            let actor = try attempt { try client.actor(name, project: project) }
            if inboxStats {
                let stats = ActorInboxStats(
                    queued: actor.mailbox.queued, oldestAgeSeconds: actor.mailbox.oldestAgeSeconds, lastWake: actor.lastWake,
                    liveBody: actor.liveBody)
                if global.json { return global.output.json(stats) }
                return global.output.line(
                    "queued \(stats.queued)" + (stats.oldestAgeSeconds.map { ", oldest \($0)s" } ?? "")
                        + ", last wake " + (stats.lastWake.map { Output.age(sinceMillis: $0) } ?? "never") + ", live body "
                        + (stats.liveBody ?? "none"))
            }
            if global.json { return global.output.json(actor) }
            global.output.line("\(actor.display ?? actor.name) — \(actor.name) of \(actor.project), \(actor.state)")
            if let description = actor.description { global.output.line("  \(description)") }
            if !actor.aliases.isEmpty { global.output.line("  aliases   \(actor.aliases.joined(separator: ", "))") }
            global.output.line("  mailbox   \(actor.channel): \(actor.mailbox.queued) queued")
            global.output.line("  bodies    " + (actor.bodies.isEmpty ? "none" : actor.bodies.joined(separator: ", ")))
            if let live = actor.liveBody { global.output.line("  live body \(live)") }
        }
    }
}

/// `pd actor NAME --inbox-stats --json`.
struct ActorInboxStats: Encodable {
    var queued: Int
    var oldestAgeSeconds: Int?
    var lastWake: Int64?
    var liveBody: String?
}
