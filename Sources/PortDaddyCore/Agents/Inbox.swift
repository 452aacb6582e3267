import PortDaddyAPI

/// Agent inboxes: direct messages stored on the channel `inbox:<agent>`, so they are persisted, replayed and
/// streamed by the same mechanism as every channel. What an agent has read is its durable consumer cursor
/// (`ConsumerName.inbox`: consumer `inbox:<agent>` on the channel `inbox:<agent>`), the same cursors `pd tube` reads.
public struct Inbox: Sendable {
    let channels: ChannelService
    let coordination: CoordinationService
    let cursors: ConsumerCursors

    /// An inbox over `channels`, whose store also keeps the read cursors.
    public init(channels: ChannelService, coordination: CoordinationService) {
        self.channels = channels
        self.coordination = coordination
        self.cursors = ConsumerCursors(store: channels.store, clock: channels.clock)
    }

    /// The channel that holds an agent's inbox.
    public static func channel(of agentID: String) throws(PortDaddyError) -> ChannelName {
        try ChannelService.name(ConsumerName.inbox(CoordinationService.agentID(agentID)))
    }

    public func send(to agent: String, text: String, sender: String?) throws(PortDaddyError) -> ChannelMessageInfo {
        try channels.publish(to: try Self.channel(of: agent), message: text, sender: sender, signal: nil)
    }

    /// Where an agent has read its inbox up to (0 when it never marked anything read). Reading it moves nothing.
    public func readUpTo(agent: String) throws(PortDaddyError) -> Int64 {
        let channel = try Self.channel(of: agent).value
        return try cursors.cursor(consumer: channel, channel: channel).lastID
    }

    /// The newest messages (at most `limit`, oldest first), with the cursor up to which the agent read them.
    public func list(agent: String, unreadOnly: Bool, limit: Int = 1000) throws(PortDaddyError) -> (messages: [ChannelMessageInfo], readUpTo: Int64) {
        let id = try CoordinationService.agentID(agent)
        let readUpTo = try readUpTo(agent: id)
        let (messages, _) = try newest(of: id, after: unreadOnly ? readUpTo : 0, limit: limit)
        return (messages, readUpTo)
    }

    /// Marks everything so far read; returns how many were unread.
    public func readAll(agent: String) throws(PortDaddyError) -> Int {
        let id = try CoordinationService.agentID(agent)
        let channel = try Self.channel(of: id).value
        let readUpTo = try readUpTo(agent: id)
        let (_, (count, last)) = try newest(of: id, after: readUpTo, limit: 0)
        if let last { try cursors.advance(consumer: channel, channel: channel, atLeastTo: last) }
        return count
    }

    /// Pages through an inbox after `cursor`: the newest `limit` messages, how many there were, and the last id.
    func newest(of id: String, after cursor: Int64, limit: Int) throws(PortDaddyError) -> ([ChannelMessageInfo], (Int, Int64?)) {
        let pattern = try ChannelService.pattern(try Self.channel(of: id).value)
        var kept: [ChannelMessageInfo] = []
        var count = 0
        var after = cursor
        var lastID: Int64?
        while true {
            let page = try channels.history(pattern, after: after, limit: 1000)
            count += page.count
            lastID = page.last?.id ?? lastID
            kept += page
            if kept.count > limit { kept.removeFirst(kept.count - limit) }
            guard page.count == 1000, let last = page.last else { break }
            after = last.id
        }
        return (kept, (count, lastID))
    }

    public func clear(agent: String) throws(PortDaddyError) -> Int { try channels.clear(try Self.channel(of: agent)) }
}
