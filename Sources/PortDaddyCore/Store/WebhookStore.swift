import Foundation
import GRDB
import PortDaddyAPI

/// A registered webhook as stored, secret included: only the delivery worker reads the secret.
public struct WebhookRecord: Sendable, Equatable {
    public var id: String
    public var url: String
    public var events: [String]
    public var filter: String?
    public var secret: WebhookSecret
    public var allowPrivate: Bool
    public var createdAt: Int64
}

/// A webhook secret: its description never shows it, so it cannot reach a log line or an answer by accident.
public struct WebhookSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}

/// A new delivery for the outbox.
public struct NewWebhookDelivery: Sendable {
    public var id: String
    public var webhook: String
    public var event: String
    public var activityID: Int64?
    public var subject: String?
    public var body: String
}

/// The head of one webhook's queue, due now: what the worker sends.
public struct WebhookDueDelivery: Sendable, CustomStringConvertible {
    public var seq: Int64
    public var id: String
    public var webhook: String
    public var url: String
    public var secret: WebhookSecret
    public var allowPrivate: Bool
    public var event: String
    public var body: String
    /// Attempts made before this one.
    public var attempts: Int
    public var description: String { "delivery \(id) of \(event) to webhook \(webhook)" }
}

/// Webhooks and their durable outbox.
public protocol WebhookStore: Sendable {
    func insertWebhook(_ webhook: WebhookRecord) throws(PortDaddyError)
    func deleteWebhook(_ id: String) throws(PortDaddyError) -> Bool
    func webhooks() throws(PortDaddyError) -> [WebhookRecord]
    /// Counts of deliveries by webhook and state, and each webhook's last error.
    func webhookCounts() throws(PortDaddyError) -> [String: (counts: [WebhookDeliveryState: Int], lastError: String?)]
    /// Inserts deliveries (pending, due at `millis`); when more than `maxPending` are pending, the oldest are failed.
    func enqueueDeliveries(_ deliveries: [NewWebhookDelivery], at millis: Int64, maxPending: Int) throws(PortDaddyError)
    /// The oldest pending delivery of each webhook, when due by `millis`.
    func dueDeliveries(at millis: Int64) throws(PortDaddyError) -> [WebhookDueDelivery]
    /// When the head of each webhook's queue is due, by webhook.
    func queueHeads() throws(PortDaddyError) -> [String: Int64]
    /// Records an attempt: `state` is the delivery's state after it; `nextAttemptAt` is set for a pending one.
    func recordAttempt(
        seq: Int64, at millis: Int64, status: Int?, error: String?, state: WebhookDeliveryState, nextAttemptAt: Int64?
    ) throws(PortDaddyError)
    func deliveries(webhook: String, state: WebhookDeliveryState?, limit: Int) throws(PortDaddyError) -> [WebhookDeliveryInfo]
    func delivery(id: String) throws(PortDaddyError) -> WebhookDeliveryInfo?
    /// Deletes finished deliveries done before `millis`.
    func pruneDeliveries(finishedBefore millis: Int64) throws(PortDaddyError) -> Int
    /// One transaction around `body` (see ``SQLiteStore/atomically(_:)``).
    func atomically<T>(_ body: () throws(PortDaddyError) -> T) throws(PortDaddyError) -> T
}

/// Migration `v18-webhooks`.
enum WebhookSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE webhooks (
                    id TEXT PRIMARY KEY NOT NULL,
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,
                    filter TEXT,
                    secret TEXT NOT NULL,
                    allow_private INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    last_error TEXT);
                CREATE TABLE webhook_deliveries (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                    event TEXT NOT NULL,
                    activity_id INTEGER,
                    subject TEXT,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL,
                    done_at INTEGER);
                CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(webhook_id, seq) WHERE state = 'pending';
                CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id, seq);
                CREATE TABLE webhook_attempts (
                    delivery_seq INTEGER NOT NULL REFERENCES webhook_deliveries(seq) ON DELETE CASCADE,
                    at INTEGER NOT NULL,
                    status INTEGER,
                    error TEXT);
                CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts(delivery_seq);
                """)
    }
}

extension SQLiteStore: WebhookStore {
    public func insertWebhook(_ webhook: WebhookRecord) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: "INSERT INTO webhooks (id, url, events, filter, secret, allow_private, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    webhook.id, webhook.url, webhook.events.joined(separator: ","), webhook.filter, webhook.secret.value, webhook.allowPrivate,
                    webhook.createdAt,
                ])
        }
    }

    public func deleteWebhook(_ id: String) throws(PortDaddyError) -> Bool {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    DELETE FROM webhook_attempts WHERE delivery_seq IN (SELECT seq FROM webhook_deliveries WHERE webhook_id = ?);
                    DELETE FROM webhook_deliveries WHERE webhook_id = ?;
                    """, arguments: [id, id])
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func webhooks() throws(PortDaddyError) -> [WebhookRecord] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhooks ORDER BY rowid").map { row in
                WebhookRecord(
                    id: row["id"], url: row["url"], events: (row["events"] as String).split(separator: ",").map(String.init),
                    filter: row["filter"], secret: WebhookSecret(row["secret"]), allowPrivate: row["allow_private"], createdAt: row["created_at"])
            }
        }
    }

    public func webhookCounts() throws(PortDaddyError) -> [String: (counts: [WebhookDeliveryState: Int], lastError: String?)] {
        try guardedRead { db in
            var result: [String: (counts: [WebhookDeliveryState: Int], lastError: String?)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, last_error FROM webhooks") {
                result[row["id"]] = ([:], row["last_error"])
            }
            let sql = "SELECT webhook_id, state, COUNT(*) AS n FROM webhook_deliveries GROUP BY webhook_id, state"
            for row in try Row.fetchAll(db, sql: sql) {
                guard let state = WebhookDeliveryState(rawValue: row["state"]) else { continue }
                result[row["webhook_id"], default: ([:], nil)].counts[state] = row["n"]
            }
            return result
        }
    }

    public func enqueueDeliveries(_ deliveries: [NewWebhookDelivery], at millis: Int64, maxPending: Int) throws(PortDaddyError) {
        guard !deliveries.isEmpty else { return }
        try guardedWrite { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO webhook_deliveries (id, webhook_id, event, activity_id, subject, body, created_at, next_attempt_at)
                    SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?)
                    """)
            // A webhook removed since the caller looked gets nothing (and fails nobody's transaction).
            for d in deliveries {
                try insert.execute(arguments: [d.id, d.webhook, d.event, d.activityID, d.subject, d.body, millis, millis, d.webhook])
            }
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'") ?? 0
            guard pending > maxPending else { return }
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET state = 'failed', done_at = ? WHERE seq IN (
                        SELECT seq FROM webhook_deliveries WHERE state = 'pending' ORDER BY seq LIMIT ?)
                    """, arguments: [millis, pending - maxPending])
            try db.execute(
                sql: "UPDATE webhooks SET last_error = ? WHERE id IN (SELECT DISTINCT webhook_id FROM webhook_deliveries WHERE done_at = ?)",
                arguments: ["outbox full (\(maxPending) pending deliveries): the oldest were failed", millis])
        }
    }

    static let headsSQL = "SELECT MIN(seq) FROM webhook_deliveries WHERE state = 'pending' GROUP BY webhook_id"

    public func dueDeliveries(at millis: Int64) throws(PortDaddyError) -> [WebhookDueDelivery] {
        try guardedRead { db in
            let sql = """
                SELECT d.seq, d.id, d.webhook_id, d.event, d.body, d.attempts, w.url, w.secret, w.allow_private
                FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE d.seq IN (\(SQLiteStore.headsSQL)) AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.seq
                """
            return try Row.fetchAll(db, sql: sql, arguments: [millis]).map { row in
                WebhookDueDelivery(
                    seq: row["seq"], id: row["id"], webhook: row["webhook_id"], url: row["url"], secret: WebhookSecret(row["secret"]),
                    allowPrivate: row["allow_private"], event: row["event"], body: row["body"], attempts: row["attempts"])
            }
        }
    }

    public func queueHeads() throws(PortDaddyError) -> [String: Int64] {
        try guardedRead { db in
            var result: [String: Int64] = [:]
            let sql = "SELECT webhook_id, next_attempt_at FROM webhook_deliveries WHERE seq IN (\(SQLiteStore.headsSQL))"
            for row in try Row.fetchAll(db, sql: sql) { result[row["webhook_id"]] = row["next_attempt_at"] }
            return result
        }
    }

    public func recordAttempt(
        seq: Int64, at millis: Int64, status: Int?, error: String?, state: WebhookDeliveryState, nextAttemptAt: Int64?
    ) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                        done_at = ? WHERE seq = ?
                    """, arguments: [state.rawValue, nextAttemptAt, state == .pending ? nil : millis, seq])
            // Removed meanwhile (pd webhooks rm): nothing to record.
            guard db.changesCount > 0 else { return }
            try db.execute(
                sql: "INSERT INTO webhook_attempts (delivery_seq, at, status, error) VALUES (?, ?, ?, ?)", arguments: [seq, millis, status, error])
            try db.execute(
                sql: "UPDATE webhooks SET last_error = ? WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE seq = ?)",
                arguments: [error.map { "\($0) (delivery attempt)" } ?? nil, seq])
        }
    }

    public func deliveries(webhook: String, state: WebhookDeliveryState?, limit: Int) throws(PortDaddyError) -> [WebhookDeliveryInfo] {
        try guardedRead { db in
            var sql = "SELECT * FROM webhook_deliveries WHERE webhook_id = ?"
            var arguments: StatementArguments = [webhook]
            if let state {
                sql += " AND state = ?"
                arguments += [state.rawValue]
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try SQLiteStore.delivery($0, db) }
        }
    }

    public func delivery(id: String) throws(PortDaddyError) -> WebhookDeliveryInfo? {
        try guardedRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_deliveries WHERE id = ?", arguments: [id]).map { try SQLiteStore.delivery($0, db) }
        }
    }

    public func pruneDeliveries(finishedBefore millis: Int64) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            let finished = "SELECT seq FROM webhook_deliveries WHERE state != 'pending' AND done_at < ?"
            try db.execute(sql: "DELETE FROM webhook_attempts WHERE delivery_seq IN (\(finished))", arguments: [millis])
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE seq IN (\(finished))", arguments: [millis])
            return db.changesCount
        }
    }

    static func delivery(_ row: Row, _ db: Database) throws -> WebhookDeliveryInfo {
        let state = WebhookDeliveryState(rawValue: row["state"]) ?? .failed
        let attempts = try Row.fetchAll(
            db, sql: "SELECT at, status, error FROM webhook_attempts WHERE delivery_seq = ? ORDER BY rowid", arguments: [row["seq"] as Int64]
        ).map { WebhookAttemptInfo(at: $0["at"], status: $0["status"], error: $0["error"]) }
        return WebhookDeliveryInfo(
            id: row["id"], webhook: row["webhook_id"], event: row["event"], activityID: row["activity_id"], subject: row["subject"],
            state: state, createdAt: row["created_at"], nextAttemptAt: state == .pending ? row["next_attempt_at"] : nil, attempts: attempts)
    }
}
