import GRDB
import PortDaddyAPI

/// Durable consumer cursors, moved only by compare-and-set.
public protocol CursorStore: Sendable {
    /// The cursor of `consumer` on `channel` (a name or pattern), or `nil` when it was never set.
    func cursor(consumer: String, channel: String) throws(PortDaddyError) -> CursorInfo?
    /// Moves the cursor from `from` to `to` if it is still at `from` (a missing cursor is at 0); otherwise throws
    /// `CURSOR_MOVED` with where it is now, and changes nothing.
    func advanceCursor(consumer: String, channel: String, from: Int64, to: Int64, at millis: Int64) throws(PortDaddyError) -> CursorInfo
}

/// The `v10-cursors` migration: `consumer_cursors`, and the `in_reply_to` of channel messages.
enum CursorSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE consumer_cursors (
                    consumer TEXT NOT NULL,
                    channel_pattern TEXT NOT NULL,
                    last_id INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (consumer, channel_pattern));
                ALTER TABLE messages ADD COLUMN in_reply_to INTEGER;
                """)
    }
}

extension SQLiteStore: CursorStore {
    public func cursor(consumer: String, channel: String) throws(PortDaddyError) -> CursorInfo? {
        try guardedRead { db in
            try Row.fetchOne(
                db, sql: "SELECT last_id, updated_at FROM consumer_cursors WHERE consumer = ? AND channel_pattern = ?",
                arguments: [consumer, channel]
            ).map { CursorInfo(consumer: consumer, channel: channel, lastID: $0["last_id"], updatedAt: $0["updated_at"]) }
        }
    }

    public func advanceCursor(
        consumer: String, channel: String, from: Int64, to: Int64, at millis: Int64
    ) throws(PortDaddyError) -> CursorInfo {
        try guardedWrite { db in
            // The read and the write share the write transaction, so two advances from the same `from` cannot both win.
            let current =
                try Int64.fetchOne(
                    db, sql: "SELECT last_id FROM consumer_cursors WHERE consumer = ? AND channel_pattern = ?", arguments: [consumer, channel])
                ?? 0
            guard current == from else { throw PortDaddyError.cursorMoved(consumer: consumer, channel: channel, current: current) }
            try db.execute(
                sql: """
                    INSERT INTO consumer_cursors (consumer, channel_pattern, last_id, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(consumer, channel_pattern) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at
                    """, arguments: [consumer, channel, to, millis])
            return CursorInfo(consumer: consumer, channel: channel, lastID: to, updatedAt: millis)
        }
    }
}
