import Crypto
import Foundation
import GRDB
import PortDaddyAPI

/// The `v19-note-encryption` migration: the wrapped data keys, and an `enc` column (0 plaintext, 1 sealed) on every
/// table that holds agents' text. Notes also record the scope whose data key sealed them (`key_scope`), since a
/// salvaged session's notes move to another session.
enum VaultSchema {
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE data_keys (
                    scope TEXT PRIMARY KEY NOT NULL,
                    wrapped BLOB NOT NULL,
                    created_at INTEGER NOT NULL);
                ALTER TABLE notes ADD COLUMN enc INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE notes ADD COLUMN key_scope TEXT;
                ALTER TABLE runs ADD COLUMN enc INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE episodes ADD COLUMN enc INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE tuples ADD COLUMN enc INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE sorties ADD COLUMN enc INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE sortie_events ADD COLUMN enc INTEGER NOT NULL DEFAULT 0;
                """)
    }

    /// One wrapped data key of the database (the vault checks its master key against it), or nil.
    static func sample(_ db: Database) throws -> (scope: String, wrapped: Data)? {
        try Row.fetchOne(db, sql: "SELECT scope, wrapped FROM data_keys ORDER BY rowid LIMIT 1").map { ($0["scope"], $0["wrapped"]) }
    }
}

/// The text of a protected column as stored: plaintext (`enc` 0) or sealed (`enc` 1).
enum ProtectedText {
    /// The placeholder an unreadable value is shown as (the structured error goes alongside where the type allows).
    static func placeholder(_ error: PortDaddyError) -> String { "[encrypted text unreadable: \(error.code.rawValue)]" }

    /// Reads `column` of `row`, opening it when sealed.
    static func read(_ row: Row, _ column: String, ref: TextVault.RowRef, vault: TextVault?, db: Database) -> Result<String?, PortDaddyError> {
        let enc: Int64 = row["enc"] ?? 0
        guard enc == 1 else { return .success(row[column]) }
        guard let sealed: Data = row[column] else { return .success(nil) }
        guard let vault else { return .failure(.noteKeyMissing("this process holds no master key")) }
        do throws(PortDaddyError) { return .success(try vault.open(sealed, row: ref, in: db)) } catch { return .failure(error) }
    }

    /// `text` as the column should store it: sealed with a vault, plaintext without one.
    static func write(_ text: String?, ref: TextVault.RowRef, vault: TextVault?, db: Database) throws(PortDaddyError) -> DatabaseValue {
        guard let text else { return .null }
        guard let vault else { return text.databaseValue }
        return try vault.seal(text, row: ref, in: db).databaseValue
    }
}

extension TextVault.RowRef {
    static func note(_ id: Int64, scope: String) -> Self { .init(table: "notes", column: "text", scope: scope, id: String(id)) }
    static func run(_ id: String, _ column: String) -> Self { .init(table: "runs", column: column, scope: "runs", id: id) }
    static func episode(_ id: Int64) -> Self { .init(table: "episodes", column: "text", scope: "episodes", id: String(id)) }
    static func tuple(_ id: Int64) -> Self { .init(table: "tuples", column: "body", scope: "tuples", id: String(id)) }
    static func sortie(_ id: String, _ column: String) -> Self { .init(table: "sorties", column: column, scope: "runs", id: id) }
    static func sortieEvent(_ id: Int64) -> Self { .init(table: "sortie_events", column: "text", scope: "runs", id: String(id)) }
}

/// How much protected text the database holds, by format.
public struct VaultCounts: Sendable, Equatable {
    public var sealed: Int
    public var plaintext: Int
    public var dataKeys: Int
}

extension SQLiteStore {
    /// The tables with an `enc` column, and their sealed columns.
    static let protectedTables: [(name: String, columns: [String])] = [
        ("notes", ["text"]), ("runs", ["task", "result"]), ("episodes", ["text"]), ("tuples", ["body"]),
        ("sorties", ["task", "outcome"]), ("sortie_events", ["text"]),
    ]

    /// Where a column of a protected table's row is sealed (its associated data).
    static func ref(_ table: String, _ column: String, _ row: Row) -> TextVault.RowRef {
        switch table {
        case "notes": .note(row["id"], scope: "session:" + (row["session_id"] as String))
        case "runs": .run(row["id"], column)
        case "sorties": .sortie(row["id"], column)
        case "episodes": .episode(row["id"])
        case "tuples": .tuple(row["id"])
        default: .sortieEvent(row["id"])
        }
    }

    /// Seals every plaintext row (written before the migration, or while no key was loaded), a batch of 200 rows per
    /// transaction; returns how many it sealed. Does nothing without a usable master key.
    public func sealPlaintextRows() throws(PortDaddyError) -> Int {
        guard let vault, vault.problem == nil else { return 0 }
        var total = 0
        for table in Self.protectedTables {
            while true {
                let sealed = try guardedWrite { db in try sealBatch(table, vault: vault, db: db) }
                total += sealed
                if sealed == 0 { break }
            }
        }
        return total
    }

    private func sealBatch(_ table: (name: String, columns: [String]), vault: TextVault, db: Database) throws -> Int {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.name) WHERE enc = 0 LIMIT 200")
        for row in rows {
            var assignments = table.columns.map { "\($0) = ?" }
            var arguments: [DatabaseValue] = try table.columns.map { column in
                try ProtectedText.write(row[column], ref: Self.ref(table.name, column, row), vault: vault, db: db)
            }
            if table.name == "notes" {
                // Sealed with the key of the session the note is in now (`key_scope`).
                assignments.append("key_scope = ?")
                arguments.append(("session:" + (row["session_id"] as String)).databaseValue)
            }
            try db.execute(
                sql: "UPDATE \(table.name) SET \(assignments.joined(separator: ", ")), enc = 1 WHERE id = ?",
                arguments: StatementArguments(arguments + [row["id"] as DatabaseValue]))
        }
        return rows.count
    }

    /// Rows by format, for `pd doctor` and `pd keys`.
    public func vaultCounts() throws(PortDaddyError) -> VaultCounts {
        try guardedRead { db in
            var counts = VaultCounts(sealed: 0, plaintext: 0, dataKeys: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM data_keys") ?? 0)
            for table in Self.protectedTables {
                counts.sealed += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name) WHERE enc = 1") ?? 0
                counts.plaintext += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name) WHERE enc = 0") ?? 0
            }
            return counts
        }
    }

    /// `pd keys rotate`: a new master key, every data key re-wrapped under it. Returns how many were re-wrapped.
    ///
    /// The order makes a crash at any point recoverable (``TextVault/prepare(sample:)`` finishes or discards it):
    /// 1. the new key is written to `master.key.next` (0600, synced);
    /// 2. one transaction re-wraps every data key (all or none);
    /// 3. after the commit, `master.key.next` is renamed over `master.key`, and the daemon uses the new key.
    /// All three run on the store's writer, so no data key is wrapped under the old key in between.
    public func rotateMasterKey() throws(PortDaddyError) -> Int {
        guard let vault else { throw .noteKeyMissing("this process holds no master key") }
        if let problem = vault.problem { throw .noteKeyMissing(problem) }
        return try guardedWriter { db in
            let next = SealedText.newKey()
            do { try vault.keyFile.writeNext(next) } catch { throw PortDaddyError.storage(TextVault.message(error)) }
            var count = 0
            do {
                try db.inTransaction {
                    for row in try Row.fetchAll(db, sql: "SELECT scope, wrapped FROM data_keys") {
                        let rewrapped = try vault.rewrap(row["wrapped"], scope: row["scope"], to: next)
                        try db.execute(sql: "UPDATE data_keys SET wrapped = ? WHERE scope = ?", arguments: [rewrapped, row["scope"] as String])
                        count += 1
                    }
                    return .commit
                }
            } catch {
                vault.keyFile.discardNext()
                throw error
            }
            do { try vault.keyFile.promoteNext() } catch {
                // The database is committed under the new key: keep using it; the next start promotes the file.
                vault.install(next)
                throw PortDaddyError.storage(TextVault.message(error))
            }
            vault.install(next)
            return count
        }
    }
}
