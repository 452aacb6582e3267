/// An actor's mailbox: messages queued on channel `actor:<project>:<name>` after the actor's cursor.
public struct ActorMailbox: Codable, Sendable, Equatable {
    public var queued: Int
    /// Seconds since the oldest queued message arrived (nil when none is queued).
    public var oldestAgeSeconds: Int?
    public init(queued: Int, oldestAgeSeconds: Int?) {
        self.queued = queued
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}

/// A fleet's actor (`fleet.actors.NAME` in `pd-fleet.yml`), as `GET /actors` shows it.
public struct ActorInfo: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    public var display: String?
    public var aliases: [String]
    public var description: String?
    /// The channel its mailbox is.
    public var channel: String
    public var mailbox: ActorMailbox
    /// The fleet agents that embody it (`actor: NAME`); only those with `trigger: mailbox` wake on its messages.
    public var bodies: [String]
    /// The run of a body going now, if any.
    public var liveBody: String?
    /// When a body last took messages from the mailbox (ms since 1970).
    public var lastWake: Int64?
    /// `live` (a body runs), `queued` (messages wait) or `dormant`.
    public var state: String

    public init(
        project: String, name: String, display: String?, aliases: [String], description: String?, channel: String, mailbox: ActorMailbox,
        bodies: [String], liveBody: String?, lastWake: Int64?, state: String
    ) {
        self.project = project
        self.name = name
        self.display = display
        self.aliases = aliases
        self.description = description
        self.channel = channel
        self.mailbox = mailbox
        self.bodies = bodies
        self.liveBody = liveBody
        self.lastWake = lastWake
        self.state = state
    }
}

/// `GET /actors`.
public struct ActorsResponse: Codable, Sendable, Equatable {
    public var actors: [ActorInfo]
    public init(actors: [ActorInfo]) { self.actors = actors }
}

/// `POST /actors/{name}/messages`.
public struct ActorMessageRequest: Codable, Sendable, Equatable {
    public var text: String
    public var sender: String?
    /// Needed only when two running fleets have an actor of that name.
    public var project: String?
    public init(text: String, sender: String? = nil, project: String? = nil) {
        self.text = text
        self.sender = sender
        self.project = project
    }
}

/// The answer to `POST /actors/{name}/messages`: the message as queued, and the actor it went to (aliases resolved).
public struct ActorMessageAck: Codable, Sendable, Equatable {
    public var queued: Int64
    public var actor: String
    public var project: String
    public var channel: String
    public init(queued: Int64, actor: String, project: String, channel: String) {
        self.queued = queued
        self.actor = actor
        self.project = project
        self.channel = channel
    }
}

/// `GET /actors/{name}/messages`: what waits in the mailbox, oldest first.
public struct ActorMessagesResponse: Codable, Sendable, Equatable {
    public var actor: String
    public var project: String
    public var messages: [ChannelMessageInfo]
    public init(actor: String, project: String, messages: [ChannelMessageInfo]) {
        self.actor = actor
        self.project = project
        self.messages = messages
    }
}
