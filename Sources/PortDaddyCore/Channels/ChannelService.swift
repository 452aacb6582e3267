import PortDaddyAPI
import Synchronization

/// Channels: messages are stored with a global, strictly increasing id before they are delivered, so a
/// subscriber that comes back with its last id misses nothing that is still retained.
public final class ChannelService: Sendable {
    public let hub: ChannelHub
    let store: any ChannelStore
    let clock: any WallClock
    /// Retention: the newest `maxMessages` per channel, none older than `maxAgeSeconds`.
    public let maxMessages: Int
    public let maxAgeSeconds: Double
    /// Publishing stores and delivers under one lock, so live subscribers see ids in increasing order even
    /// when many clients publish at once (a subscriber skips ids at or below its cursor).
    let publishing = Mutex<Void>(())
    /// Whether a publish delivers to this process's subscribers itself. In cluster mode it does not: every message,
    /// local or not, reaches them through the cluster's feed, in id order.
    public let deliversOnPublish: Bool

    /// Largest message body accepted, in bytes.
    public static let maxMessageBytes = 32 * 1024

    public init(
        store: any ChannelStore, hub: ChannelHub = ChannelHub(), clock: any WallClock = SystemWallClock(), maxMessages: Int = 1000,
        maxAgeSeconds: Double = 7 * 86400, deliversOnPublish: Bool = true
    ) {
        self.deliversOnPublish = deliversOnPublish
        self.store = store
        self.hub = hub
        self.clock = clock
        self.maxMessages = maxMessages
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// Parses a channel name with the domain's error.
    public static func name(_ raw: String) throws(PortDaddyError) -> ChannelName {
        do { return try ChannelName(parsing: raw) } catch {
            throw .invalidChannel(error.description.replacingOccurrences(of: "identity", with: "channel"))
        }
    }

    /// Parses a channel name or pattern (`myapp:*`, `*`).
    public static func pattern(_ raw: String) throws(PortDaddyError) -> IdentityPattern {
        do { return try IdentityPattern(parsing: raw, maxSegments: ChannelName.maxSegments) } catch {
            throw .invalidChannel(error.description)
        }
    }

    /// Stores a message, then delivers it to live subscribers. `inReplyTo` threads it under an older message of
    /// the same channel.
    public func publish(
        to channel: ChannelName, message: String, sender: String?, signal: String?, inReplyTo: Int64? = nil
    ) throws(PortDaddyError) -> ChannelMessageInfo {
        let flag = try Self.checkMessage(message, sender: sender, signal: signal)
        let now = clock.nowMillis()
        return try publishing.withLock { _ throws(PortDaddyError) -> ChannelMessageInfo in
            let stored = try store.appendMessage(
                channel: channel.value, body: message, sender: sender, signal: flag, inReplyTo: inReplyTo, at: now)
            deliverCommitted(stored)
            return stored
        }
    }

    /// Hands a committed message to live subscribers (the caller holds `publishing`), unless the cluster's feed does.
    func deliverCommitted(_ message: ChannelMessageInfo) {
        if deliversOnPublish { hub.deliver(message) }
    }

    /// Checks a message's size, sender and signal; returns the signal as stored (lowercased).
    static func checkMessage(_ message: String, sender: String?, signal: String?) throws(PortDaddyError) -> String? {
        guard message.utf8.count <= Self.maxMessageBytes else {
            throw .invalidRequest("message is \(message.utf8.count) bytes; the limit is \(Self.maxMessageBytes)")
        }
        if let sender, sender.utf8.count > 200 { throw .invalidRequest("sender must be at most 200 bytes") }
        guard let signal else { return nil }
        let lowered = signal.lowercased()
        guard Signal.all.contains(lowered) else { throw .invalidSignal(signal) }
        return lowered
    }

    /// Stores checked messages while the caller holds `publishing` (inside `SQLiteStore.atomically` they join that
    /// transaction); the caller delivers them to `hub` after the commit, still holding the lock, so ids stay ordered.
    func append(_ messages: [(channel: ChannelName, body: String)], sender: String?) throws(PortDaddyError) -> [ChannelMessageInfo] {
        let now = clock.nowMillis()
        return try messages.map { (message) throws(PortDaddyError) in
            try store.appendMessage(channel: message.channel.value, body: message.body, sender: sender, signal: nil, inReplyTo: nil, at: now)
        }
    }

    /// Retained messages on channels matching `pattern` with an id above `after`, oldest first.
    public func history(_ pattern: IdentityPattern, after: Int64, limit: Int) throws(PortDaddyError) -> [ChannelMessageInfo] {
        try store.messages(after: after, limit: limit, matching: pattern)
    }

    /// Refuses a new live subscriber when the hub already has its maximum.
    public func checkRoomForSubscriber() throws(PortDaddyError) {
        if hub.isFull {
            throw .resourceExhausted("\(hub.maxSubscribers) live subscribers already")
        }
    }

    /// The newest `limit` retained messages of all channels, oldest first (ids have gaps where channels were
    /// cleared or pruned, so counting back from the latest id would miss retained ones).
    public func newest(limit: Int) throws(PortDaddyError) -> [ChannelMessageInfo] {
        try store.newestMessages(limit: limit)
    }

    /// Every channel with its retained count and last message.
    public func channels() throws(PortDaddyError) -> [ChannelSummary] { try store.channelSummaries() }

    /// Deletes a channel's retained messages; returns how many.
    public func clear(_ channel: ChannelName) throws(PortDaddyError) -> Int { try store.clearChannel(channel.value) }

    /// The highest id ever given (0 when none): where a new subscriber's cursor starts.
    public func latestID() throws(PortDaddyError) -> Int64 { try store.latestMessageID() }

    /// Applies retention; returns the number of messages removed.
    @discardableResult
    public func prune() throws(PortDaddyError) -> Int {
        try store.pruneMessages(keepPerChannel: maxMessages, olderThan: clock.nowMillis() - Int64(maxAgeSeconds * 1000))
    }
}
