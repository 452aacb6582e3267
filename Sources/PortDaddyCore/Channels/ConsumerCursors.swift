import PortDaddyAPI

/// Durable per-consumer cursors over channels (`pd tube`, later fleets, actor mailboxes and webhooks).
///
/// A cursor is the last message id a consumer has handled on a channel name or pattern. It moves only by
/// compare-and-set, so of several readers of one consumer that handled the same message exactly one advances past
/// it: delivery is at-least-once per consumer, and each message is handled once among competing readers.
public struct ConsumerCursors: Sendable {
    let store: any CursorStore
    let clock: any WallClock

    /// Longest consumer name, in bytes.
    public static let maxConsumerBytes = 200

    public init(store: any CursorStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Checks a consumer name: 1 to 200 bytes, no control characters.
    public static func consumer(_ raw: String) throws(PortDaddyError) -> String {
        guard !raw.isEmpty, raw.utf8.count <= maxConsumerBytes, !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
        else {
            throw .invalidRequest("a consumer is 1 to \(maxConsumerBytes) bytes without control characters")
        }
        return raw
    }

    /// Where `consumer` is on `channel` (a name or pattern); a cursor never set is at 0.
    public func cursor(consumer: String, channel: String) throws(PortDaddyError) -> CursorInfo {
        let name = try Self.consumer(consumer)
        let pattern = try ChannelService.pattern(channel).description
        return try store.cursor(consumer: name, channel: pattern) ?? CursorInfo(consumer: name, channel: pattern, lastID: 0, updatedAt: nil)
    }

    /// Moves the cursor from `from` to `to` if nobody moved it since (else `CURSOR_MOVED` with where it is now).
    public func advance(consumer: String, channel: String, from: Int64, to: Int64) throws(PortDaddyError) -> CursorInfo {
        let name = try Self.consumer(consumer)
        let pattern = try ChannelService.pattern(channel).description
        guard from >= 0, to >= 0 else { throw .invalidRequest("from and to are message ids, 0 or more") }
        return try store.advanceCursor(consumer: name, channel: pattern, from: from, to: to, at: clock.nowMillis())
    }

    /// Moves the cursor forward to `to`, never back: compare-and-set from wherever it is, again if another reader
    /// moved it meanwhile; nothing when it already is at or past `to`. Returns where it ends.
    @discardableResult
    public func advance(consumer: String, channel: String, atLeastTo to: Int64) throws(PortDaddyError) -> CursorInfo {
        while true {
            let current = try cursor(consumer: consumer, channel: channel)
            guard current.lastID < to else { return current }
            do {
                return try advance(consumer: consumer, channel: channel, from: current.lastID, to: to)
            } catch .cursorMoved {
                continue
            }
        }
    }
}
