import PortDaddyAPI

/// Agent inboxes: direct messages stored on the channel `inbox:<agent>`, so they are persisted, replayed and
/// streamed by the same mechanism as every channel; a per-agent read cursor marks what was read.
public struct Inbox: Sendable {
    let channels: ChannelService
    let coordination: CoordinationService

    public init(channels: ChannelService, coordination: CoordinationService) {
        self.channels = channels
        self.coordination = coordination
    }

    /// The channel that holds an agent's inbox.
    public static func channel(of agentID: String) throws(PortDaddyError) -> ChannelName {
        try ChannelService.name("inbox:" + CoordinationService.agentID(agentID))
    }

    public func send(to agent: String, text: String, sender: String?) throws(PortDaddyError) -> ChannelMessageInfo {
        try channels.publish(to: try Self.channel(of: agent), message: text, sender: sender, signal: nil)
    }

    /// Messages with `read` telling whether the agent marked them read.
    public func list(agent: String, unreadOnly: Bool) throws(PortDaddyError) -> (messages: [ChannelMessageInfo], readUpTo: Int64) {
        let id = try CoordinationService.agentID(agent)
        let readUpTo = try coordination.store.read { tx in try tx.inboxReadUpTo(id) }
        let pattern = try ChannelService.pattern(try Self.channel(of: id).value)
        let all = try channels.history(pattern, after: unreadOnly ? readUpTo : 0, limit: 1000)
        return (all, readUpTo)
    }

    /// Marks everything so far read; returns how many were unread.
    public func readAll(agent: String) throws(PortDaddyError) -> Int {
        let (unread, _) = try list(agent: agent, unreadOnly: true)
        let id = try CoordinationService.agentID(agent)
        if let last = unread.last?.id { try coordination.store.write { tx in try tx.setInboxReadUpTo(id, last) } }
        return unread.count
    }

    public func clear(agent: String) throws(PortDaddyError) -> Int { try channels.clear(try Self.channel(of: agent)) }
}
