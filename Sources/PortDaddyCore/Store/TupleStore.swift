import Foundation
import GRDB
import PortDaddyAPI

/// A tuple about to be written.
public struct TupleDraft: Sendable {
    public var harbor: String
    public var tuple: [JSONValue]
    public var writer: String?
    public var createdAt: Int64
    public var expiresAt: Int64?
}

/// Which live tuples a read or take looks at: a harbor, an arity, optionally the first element's exact JSON
/// (indexed), and a predicate on the whole tuple, oldest first, at most `limit`.
public struct TupleQuery: Sendable {
    public var harbor: String
    public var pattern: TuplePattern
    public var now: Int64
    public var limit: Int
}

/// The tuple space's rows. Reads filter in Swift (the pattern language is richer than SQL) over the index on
/// `(harbor, arity, head)`; takes select and delete in one write transaction.
public protocol TupleStore: Sendable {
    /// Writes the tuple and returns it with its id; with `consumed`, deletes it again in the same transaction
    /// (handed straight to a waiting taker).
    func insertTuple(_ draft: TupleDraft, consumed: Bool) throws(PortDaddyError) -> TupleInfo
    func liveTupleCount(harbor: String, now: Int64) throws(PortDaddyError) -> Int
    func matchingTuples(_ query: TupleQuery) throws(PortDaddyError) -> [TupleInfo]
    /// Deletes and returns the matches, atomically.
    func takeTuples(_ query: TupleQuery) throws(PortDaddyError) -> [TupleInfo]
    /// A harbor's live tuples (every harbor's when nil), oldest first.
    func scanTuples(harbor: String?, now: Int64, limit: Int) throws(PortDaddyError) -> [TupleInfo]
    /// One live tuple by id.
    func liveTuple(_ id: Int64, now: Int64) throws(PortDaddyError) -> TupleInfo?
    /// Deletes one live tuple by id and returns it.
    func deleteTuple(_ id: Int64, now: Int64) throws(PortDaddyError) -> TupleInfo?
    /// Deletes expired tuples; returns how many.
    func pruneTuples(now: Int64) throws(PortDaddyError) -> Int
}

extension SQLiteStore: TupleStore {
    public func insertTuple(_ draft: TupleDraft, consumed: Bool) throws(PortDaddyError) -> TupleInfo {
        try guardedWrite { db in
            // With a vault the body is sealed: inserted empty, then given the body sealed with its id (see `addNote`).
            let body = JSONValue.array(draft.tuple).canonicalJSON
            try db.cachedStatement(
                sql: "INSERT INTO tuples (harbor, arity, head, body, writer, created_at, expires_at, enc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [
                draft.harbor, draft.tuple.count, draft.tuple[0].canonicalJSON, vault == nil ? body : "", draft.writer,
                draft.createdAt, draft.expiresAt, vault == nil ? 0 : 1,
            ])
            let id = db.lastInsertedRowID
            if consumed {
                try db.execute(sql: "DELETE FROM tuples WHERE id = ?", arguments: [id])
            } else if vault != nil {
                let sealed = try ProtectedText.write(body, ref: .tuple(id), vault: vault, db: db)
                try db.cachedStatement(sql: "UPDATE tuples SET body = ? WHERE id = ?").execute(arguments: [sealed, id])
            }
            return TupleInfo(
                id: id, harbor: draft.harbor, tuple: draft.tuple, writer: draft.writer, createdAt: draft.createdAt, expiresAt: draft.expiresAt)
        }
    }

    public func liveTupleCount(harbor: String, now: Int64) throws(PortDaddyError) -> Int {
        try guardedRead { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM tuples WHERE harbor = ? AND (expires_at IS NULL OR expires_at > ?)", arguments: [harbor, now]) ?? 0
        }
    }

    public func matchingTuples(_ query: TupleQuery) throws(PortDaddyError) -> [TupleInfo] {
        try guardedRead { db in try matches(query, in: db) }
    }

    public func takeTuples(_ query: TupleQuery) throws(PortDaddyError) -> [TupleInfo] {
        try guardedWrite { db in
            let taken = try matches(query, in: db)
            let delete = try db.cachedStatement(sql: "DELETE FROM tuples WHERE id = ?")
            for tuple in taken { try delete.execute(arguments: [tuple.id]) }
            return taken
        }
    }

    public func scanTuples(harbor: String?, now: Int64, limit: Int) throws(PortDaddyError) -> [TupleInfo] {
        try guardedRead { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM tuples WHERE (? IS NULL OR harbor = ?) AND (expires_at IS NULL OR expires_at > ?) ORDER BY id LIMIT ?
                    """, arguments: [harbor, harbor, now, limit]
            ).compactMap { tuple($0, db) }
        }
    }

    public func liveTuple(_ id: Int64, now: Int64) throws(PortDaddyError) -> TupleInfo? {
        try guardedRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tuples WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)", arguments: [id, now])
                .flatMap { tuple($0, db) }
        }
    }

    public func deleteTuple(_ id: Int64, now: Int64) throws(PortDaddyError) -> TupleInfo? {
        try guardedWrite { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM tuples WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)", arguments: [id, now])
            else { return nil }
            try db.execute(sql: "DELETE FROM tuples WHERE id = ?", arguments: [id])
            return tuple(row, db)
        }
    }

    public func pruneTuples(now: Int64) throws(PortDaddyError) -> Int {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM tuples WHERE expires_at IS NOT NULL AND expires_at <= ?", arguments: [now])
            return db.changesCount
        }
    }

    /// Walks the candidates oldest first with a cursor, stopping at `limit` matches.
    func matches(_ query: TupleQuery, in db: Database) throws -> [TupleInfo] {
        let head = query.pattern.exactHead?.canonicalJSON
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT * FROM tuples WHERE harbor = ? AND arity = ? AND (? IS NULL OR head = ?)
                    AND (expires_at IS NULL OR expires_at > ?) ORDER BY id
                """, arguments: [query.harbor, query.pattern.elements.count, head, head, query.now])
        var found: [TupleInfo] = []
        while found.count < query.limit, let row = try rows.next() {
            if let match = tuple(row, db), query.pattern.matches(match.tuple) { found.append(match) }
        }
        return found
    }

    /// The row's tuple (its body opened when sealed); nil for a body that does not open or parse (a sealed body whose
    /// key is missing, or a changed row, is skipped as if absent: the tuple space cannot match what it cannot read).
    func tuple(_ row: Row, _ db: Database) -> TupleInfo? {
        guard let body = try? ProtectedText.read(row, "body", ref: .tuple(row["id"]), vault: vault, db: db).get(),
            case .array(let values)? = JSONValue.parse(body)
        else { return nil }
        return TupleInfo(
            id: row["id"], harbor: row["harbor"], tuple: values, writer: row["writer"], createdAt: row["created_at"], expiresAt: row["expires_at"])
    }
}
