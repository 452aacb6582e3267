/// A channel name: one to six segments of `[a-z0-9._-]` separated by `:`, lower-cased (e.g. `swarm:general`).
public struct ChannelName: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String { value }
    public static let maxSegments = 6

    public init(parsing raw: String) throws(IdentityError) {
        let trimmed = raw.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map { String($0).asciiLowercased() }
        guard parts.count <= ChannelName.maxSegments else { throw .tooManyNameSegments(trimmed, limit: ChannelName.maxSegments) }
        for part in parts { try Identity.validate(segment: part, in: trimmed) }
        value = parts.joined(separator: ":")
    }
}

/// The signal flags a message may carry, after the maritime ones the reference README uses.
public enum Signal {
    /// Every accepted signal, lower-case.
    public static let all: [String] = [
        "mayday", "pan-pan", "securite", "ready", "standby", "ack", "nack", "done", "blocked", "help", "info",
    ]
}

/// `POST /channels/{name}` body.
public struct PublishRequest: Codable, Sendable, Equatable {
    public var message: String
    public var sender: String?
    public var signal: String?
    /// The id of the message this one answers: an existing message of the same channel, older than this one.
    public var inReplyTo: Int64?
    public init(message: String, sender: String? = nil, signal: String? = nil, inReplyTo: Int64? = nil) {
        self.message = message
        self.sender = sender
        self.signal = signal
        self.inReplyTo = inReplyTo
    }
}

/// A message as stored and delivered. `id` is global and strictly increasing: it is the subscription cursor.
public struct ChannelMessageInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var channel: String
    public var message: String
    public var sender: String?
    public var signal: String?
    /// Milliseconds since 1970.
    public var createdAt: Int64
    /// The message this one answers, if any (same channel, smaller id).
    public var inReplyTo: Int64?

    public init(id: Int64, channel: String, message: String, sender: String?, signal: String?, createdAt: Int64, inReplyTo: Int64? = nil) {
        self.id = id
        self.channel = channel
        self.message = message
        self.sender = sender
        self.signal = signal
        self.createdAt = createdAt
        self.inReplyTo = inReplyTo
    }
}

/// `GET /channels/{pattern}/history` and long-poll response.
public struct ChannelHistoryResponse: Codable, Sendable, Equatable {
    public var messages: [ChannelMessageInfo]
    /// The cursor to pass as `after` next time.
    public var cursor: Int64
    public init(messages: [ChannelMessageInfo], cursor: Int64) {
        self.messages = messages
        self.cursor = cursor
    }
}

/// One channel in `GET /channels`.
public struct ChannelSummary: Codable, Sendable, Equatable {
    public var channel: String
    public var count: Int
    public var last: ChannelMessageInfo?
    public init(channel: String, count: Int, last: ChannelMessageInfo?) {
        self.channel = channel
        self.count = count
        self.last = last
    }
}

/// `GET /channels` response.
public struct ChannelsResponse: Codable, Sendable, Equatable {
    public var channels: [ChannelSummary]
    /// The newest message id on any channel: a cursor that replays nothing old and misses nothing new.
    public var cursor: Int64
    public init(channels: [ChannelSummary], cursor: Int64) {
        self.channels = channels
        self.cursor = cursor
    }
}

/// `DELETE /channels/{name}` response.
public struct ChannelClearResponse: Codable, Sendable, Equatable {
    public var channel: String
    public var removed: Int
    public init(channel: String, removed: Int) {
        self.channel = channel
        self.removed = removed
    }
}
