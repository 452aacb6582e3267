import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyFleetConfig

/// Actors: personas a running fleet declares (`fleet.actors`), each with a mailbox — channel `actor:<project>:<name>`,
/// read through the durable cursor `actor:<project>:<name>`. A message to an actor only queues: it wakes a body only
/// when a fleet agent with `actor: NAME` has `trigger: mailbox`, which then consumes the mailbox like any trigger (and
/// moves the actor's cursor with its own when a run takes the messages).
extension FleetSupervisor {
    /// An actor found by name or alias.
    struct ActorRef {
        var project: String
        var actor: FleetConfig.Actor
        var fleet: Fleet
    }

    /// The mailbox channel (and cursor consumer) of a project's actor.
    public static func mailbox(_ project: String, _ actor: String) -> String { "actor:\(project):\(actor)" }

    /// The channel an agent's trigger reads: its `trigger`, or its actor's mailbox for `trigger: mailbox`.
    static func triggerChannel(_ project: String, _ spec: FleetConfig.Agent) -> String? {
        guard let trigger = spec.trigger else { return nil }
        guard trigger == FleetConfig.mailboxTrigger else { return trigger }
        return spec.actor.map { mailbox(project, $0) }
    }

    /// Every running fleet's actors (or one project's).
    public func actors(project: String?) -> [ActorInfo] {
        fleets.values.filter { project == nil || $0.project == project }.sorted { $0.project < $1.project }.flatMap { fleet in
            fleet.config.actors.map { actorInfo(ActorRef(project: fleet.project, actor: $0, fleet: fleet)) }
        }
    }

    /// One actor, by name or alias (case-insensitive).
    public func actor(_ name: String, project: String?) throws(PortDaddyError) -> ActorInfo {
        actorInfo(try resolveActor(name, project: project))
    }

    /// Queues a message on the actor's mailbox. It starts nothing by itself.
    public func send(toActor name: String, _ request: ActorMessageRequest) throws(PortDaddyError) -> ActorMessageAck {
        let ref = try resolveActor(name, project: request.project)
        let channel = Self.mailbox(ref.project, ref.actor.name)
        let stored = try channels.publish(to: try ChannelService.name(channel), message: request.text, sender: request.sender, signal: nil)
        return ActorMessageAck(queued: stored.id, actor: ref.actor.name, project: ref.project, channel: channel)
    }

    /// The messages waiting in the actor's mailbox, oldest first (at most 1,000).
    public func inbox(ofActor name: String, project: String?) throws(PortDaddyError) -> ActorMessagesResponse {
        let ref = try resolveActor(name, project: project)
        return ActorMessagesResponse(actor: ref.actor.name, project: ref.project, messages: try queued(ref))
    }

    func resolveActor(_ name: String, project: String?) throws(PortDaddyError) -> ActorRef {
        let wanted = name.lowercased()
        let found = fleets.values.filter { project == nil || $0.project == project }.flatMap { fleet in
            fleet.config.actors.filter { $0.name.lowercased() == wanted || $0.aliases.contains { $0.lowercased() == wanted } }
                .map { ActorRef(project: fleet.project, actor: $0, fleet: fleet) }
        }
        guard let first = found.first else {
            throw .notFound("no running fleet has an actor named \(name)" + (project.map { " in project \($0)" } ?? "") + " (pd actors lists them)")
        }
        guard found.count == 1 else {
            throw .invalidRequest(
                "\(name) is an actor of several fleets (\(found.map(\.project).sorted().joined(separator: ", "))): name the project")
        }
        return first
    }

    func queued(_ ref: ActorRef) throws(PortDaddyError) -> [ChannelMessageInfo] {
        let channel = Self.mailbox(ref.project, ref.actor.name)
        let cursor = try cursors.cursor(consumer: channel, channel: channel).lastID
        return try channels.history(try ChannelService.pattern(channel), after: cursor, limit: 1000)
    }

    func actorInfo(_ ref: ActorRef) -> ActorInfo {
        let channel = Self.mailbox(ref.project, ref.actor.name)
        let waiting = (try? queued(ref)) ?? []
        let bodies = ref.fleet.config.agents.filter { $0.actor == ref.actor.name }.map(\.name)
        let live = bodies.compactMap { ref.fleet.agents[$0]?.running.first { $0.hasPrefix("run-") } }.first
        let oldest = waiting.first.map { Int(max(0, clock.nowMillis() - $0.createdAt) / 1000) }
        let lastWake = (try? cursors.cursor(consumer: channel, channel: channel))?.updatedAt
        return ActorInfo(
            project: ref.project, name: ref.actor.name, display: ref.actor.display, aliases: ref.actor.aliases,
            description: ref.actor.description, channel: channel, mailbox: ActorMailbox(queued: waiting.count, oldestAgeSeconds: oldest),
            bodies: bodies, liveBody: live, lastWake: lastWake, state: live != nil ? "live" : waiting.isEmpty ? "dormant" : "queued")
    }
}
