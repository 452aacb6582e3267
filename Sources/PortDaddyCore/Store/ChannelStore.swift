import PortDaddyAPI

/// Durable storage of channel messages, and of the consumer cursors kept over them.
public protocol ChannelStore: CursorStore {
    /// Appends a message and returns it with its new id (strictly greater than every id before). `inReplyTo`, when
    /// given, must be a retained message of the same channel (else `INVALID_REQUEST`, and nothing is stored).
    func appendMessage(
        channel: String, body: String, sender: String?, signal: String?, inReplyTo: Int64?, at millis: Int64
    ) throws(PortDaddyError) -> ChannelMessageInfo
    func messages(after: Int64, limit: Int, matching pattern: IdentityPattern) throws(PortDaddyError) -> [ChannelMessageInfo]
    func channelSummaries() throws(PortDaddyError) -> [ChannelSummary]
    func clearChannel(_ channel: String) throws(PortDaddyError) -> Int
    func latestMessageID() throws(PortDaddyError) -> Int64
    /// The newest `limit` retained messages of every channel, oldest first.
    func newestMessages(limit: Int) throws(PortDaddyError) -> [ChannelMessageInfo]
    func pruneMessages(keepPerChannel: Int, olderThan millis: Int64) throws(PortDaddyError) -> Int
}
