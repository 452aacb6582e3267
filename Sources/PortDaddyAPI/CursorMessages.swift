/// A durable consumer cursor: the last message id `consumer` has handled on channels matching `channel`.
public struct CursorInfo: Codable, Sendable, Equatable {
    public var consumer: String
    /// The channel name or pattern the cursor is kept for.
    public var channel: String
    /// The last handled message id (0 when the consumer has handled none).
    public var lastID: Int64
    /// Milliseconds since 1970 of the last advance (`nil` for a cursor never set).
    public var updatedAt: Int64?

    public init(consumer: String, channel: String, lastID: Int64, updatedAt: Int64?) {
        self.consumer = consumer
        self.channel = channel
        self.lastID = lastID
        self.updatedAt = updatedAt
    }
}

/// `POST /cursors/{consumer}` body: move the cursor from `from` to `to` only if it still is at `from`
/// (compare-and-set; otherwise 409 `CURSOR_MOVED`).
public struct CursorAdvanceRequest: Codable, Sendable, Equatable {
    public var channel: String
    public var from: Int64
    public var to: Int64

    public init(channel: String, from: Int64, to: Int64) {
        self.channel = channel
        self.from = from
        self.to = to
    }
}

/// The consumers Port Daddy names itself, in one place, so the inbox, `pd tube` and `pd inbox watch` read the same
/// cursors the same way. Agent ids are case-insensitive, so they are lower-cased here as everywhere else.
public enum ConsumerName {
    /// `pd tube`'s consumer for an agent: `tube:<agent>`, one cursor per channel.
    public static func tube(_ agent: String) -> String { "tube:" + agent.asciiLowercased() }

    /// An agent's inbox read cursor: the consumer `inbox:<agent>` on the channel of the same name.
    public static func inbox(_ agent: String) -> String { "inbox:" + agent.asciiLowercased() }
}
