import PortDaddyAPI
import PortDaddyCore
import PostgresNIO

/// Channel messages and consumer cursors in PostgreSQL: one id space for the whole cluster (`pd_publish` gives ids
/// in commit order), read back by every node's ``ClusterChannelFeed`` for its live subscribers, and by any node for
/// `Last-Event-ID` replay.
final class ClusterChannelStore: ChannelStore {
    let link: PostgresLink
    var node: String { link.settings.node }

    init(link: PostgresLink) { self.link = link }

    static let columns = "id, channel, body, sender, signal, created_at, in_reply_to"

    static func message(_ row: PostgresRow) throws(PortDaddyError) -> ChannelMessageInfo {
        do {
            let v = try row.decode((Int64, String, String, String?, String?, Int64, Int64?).self)
            return ChannelMessageInfo(id: v.0, channel: v.1, message: v.2, sender: v.3, signal: v.4, createdAt: v.5, inReplyTo: v.6)
        } catch {
            throw .storage("cluster: unreadable message row: \(error)")
        }
    }

    func messages(_ query: PostgresQuery) throws(PortDaddyError) -> [ChannelMessageInfo] {
        try link.query(query).rows.map { (row) throws(PortDaddyError) in try Self.message(row) }
    }

    func appendMessage(
        channel: String, body: String, sender: String?, signal: String?, inReplyTo: Int64?, at millis: Int64
    ) throws(PortDaddyError) -> ChannelMessageInfo {
        let result = try link.query(
            "SELECT pd_publish(\(channel), \(body), \(sender), \(signal), \(inReplyTo), \(millis), \(node))")
        guard let id = try? result.rows.first?.decode(Int64.self) else { throw .storage("cluster: pd_publish returned no id") }
        return ChannelMessageInfo(id: id, channel: channel, message: body, sender: sender, signal: signal, createdAt: millis, inReplyTo: inReplyTo)
    }

    func messages(after: Int64, limit: Int, matching pattern: IdentityPattern) throws(PortDaddyError) -> [ChannelMessageInfo] {
        let text = pattern.description
        if !text.contains("*") {
            return try messages(
                "SELECT \(unescaped: Self.columns) FROM messages WHERE channel = \(text) AND id > \(after) ORDER BY id LIMIT \(limit)")
        }
        var result: [ChannelMessageInfo] = []
        var cursor = after
        while result.count < limit {
            let page = try messages("SELECT \(unescaped: Self.columns) FROM messages WHERE id > \(cursor) ORDER BY id LIMIT 512")
            guard let last = page.last else { break }
            cursor = last.id
            for message in page where pattern.matches(name: message.channel) {
                result.append(message)
                if result.count == limit { break }
            }
        }
        return result
    }

    /// Every message with an id above `after`, oldest first (the feed's read).
    func messages(after: Int64, limit: Int) throws(PortDaddyError) -> [ChannelMessageInfo] {
        try messages("SELECT \(unescaped: Self.columns) FROM messages WHERE id > \(after) ORDER BY id LIMIT \(limit)")
    }

    func channelSummaries() throws(PortDaddyError) -> [ChannelSummary] {
        let rows = try link.query(
            """
            SELECT m.id, m.channel, m.body, m.sender, m.signal, m.created_at, m.in_reply_to, c.n
            FROM (SELECT channel, count(*) AS n, max(id) AS last FROM messages GROUP BY channel) c
            JOIN messages m ON m.id = c.last ORDER BY m.channel
            """)
        return try rows.rows.map { (row) throws(PortDaddyError) -> ChannelSummary in
            let message = try Self.message(row)
            let count = (try? row.makeRandomAccess()[7].decode(Int64.self)) ?? 0
            return ChannelSummary(channel: message.channel, count: Int(count), last: message)
        }
    }

    func clearChannel(_ channel: String) throws(PortDaddyError) -> Int {
        Int(try link.query("DELETE FROM messages WHERE channel = \(channel)").metadata.rows ?? 0)
    }

    /// The highest committed id (0 when none): a new subscriber starts there and misses nothing committed later,
    /// since `pd_publish` makes ids visible in order.
    func latestMessageID() throws(PortDaddyError) -> Int64 {
        let rows = try link.query("SELECT coalesce(max(id), 0)::bigint FROM messages")
        return (try? rows.rows.first?.decode(Int64.self)) ?? 0
    }

    func newestMessages(limit: Int) throws(PortDaddyError) -> [ChannelMessageInfo] {
        try messages("SELECT \(unescaped: Self.columns) FROM messages ORDER BY id DESC LIMIT \(limit)").reversed()
    }

    func pruneMessages(keepPerChannel: Int, olderThan millis: Int64) throws(PortDaddyError) -> Int {
        let old = try link.query("DELETE FROM messages WHERE created_at < \(millis)").metadata.rows ?? 0
        let surplus =
            try link.query(
                """
                DELETE FROM messages WHERE id IN (
                    SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY channel ORDER BY id DESC) AS r FROM messages) x
                    WHERE r > \(keepPerChannel))
                """
            ).metadata.rows ?? 0
        return Int(old + surplus)
    }

    func cursor(consumer: String, channel: String) throws(PortDaddyError) -> CursorInfo? {
        let rows = try link.query(
            "SELECT last_id, updated_at FROM consumer_cursors WHERE consumer = \(consumer) AND channel_pattern = \(channel)")
        guard let row = rows.rows.first, let (last, updated) = try? row.decode((Int64, Int64).self) else { return nil }
        return CursorInfo(consumer: consumer, channel: channel, lastID: last, updatedAt: updated)
    }

    func advanceCursor(consumer: String, channel: String, from: Int64, to: Int64, at millis: Int64) throws(PortDaddyError) -> CursorInfo {
        // One statement decides: insert at `to` when missing and `from` is 0, or move it when it is still at `from`.
        let moved = try link.query(
            """
            INSERT INTO consumer_cursors AS c (consumer, channel_pattern, last_id, updated_at)
            SELECT \(consumer), \(channel), \(to), \(millis) WHERE \(from) = 0
            ON CONFLICT (consumer, channel_pattern) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at
                WHERE c.last_id = \(from)
            RETURNING last_id
            """)
        if !moved.rows.isEmpty { return CursorInfo(consumer: consumer, channel: channel, lastID: to, updatedAt: millis) }
        if from != 0 {
            let updated = try link.query(
                """
                UPDATE consumer_cursors SET last_id = \(to), updated_at = \(millis)
                WHERE consumer = \(consumer) AND channel_pattern = \(channel) AND last_id = \(from) RETURNING last_id
                """)
            if !updated.rows.isEmpty { return CursorInfo(consumer: consumer, channel: channel, lastID: to, updatedAt: millis) }
        }
        let current = try cursor(consumer: consumer, channel: channel)?.lastID ?? 0
        throw .cursorMoved(consumer: consumer, channel: channel, current: current)
    }
}
