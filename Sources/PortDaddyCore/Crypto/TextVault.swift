import Crypto
import Foundation
import GRDB
import Synchronization

/// Encryption at rest of the text agents write (notes, run tasks and results, episodes, tuples): the master key
/// (``MasterKeyFile``), one data key per scope stored wrapped under it in `data_keys`, and a cache of unwrapped
/// data keys. The stores call ``seal(_:row:in:)`` and ``open(_:row:in:)`` inside their transactions.
///
/// A scope is `session:<id>` for notes (each session has its own data key), or `runs`, `episodes`, `tuples`. The cache
/// is keyed by the wrapped bytes, so a rotated (re-wrapped) key is looked up afresh and a key whose row was rolled
/// back is never used for a new value.
public final class TextVault: Sendable {
    /// Where a sealed value lives: its table, column, key scope and row id (together the value's associated data).
    public struct RowRef: Sendable {
        public var table: String
        public var column: String
        public var scope: String
        public var id: String
        public init(table: String, column: String, scope: String, id: String) {
            (self.table, self.column, self.scope, self.id) = (table, column, scope, id)
        }
        var context: String { SealedText.rowContext(table: table, column: column, scope: scope, id: id) }
    }

    struct State {
        var master: SymmetricKey?
        /// The key before the last rotation, for a read that began before it.
        var previous: SymmetricKey?
        /// Why there is no usable master key.
        var problem: String?
        var cache: [Data: SymmetricKey] = [:]
    }

    public let keyFile: MasterKeyFile
    let state = Mutex(State())
    static let cacheLimit = 4096

    public init(keyFile: String) { self.keyFile = MasterKeyFile(path: keyFile) }

    /// Why protected text cannot be read or written now (the key file is missing or does not fit), or nil.
    public var problem: String? { state.withLock { $0.problem } }

    /// Loads (or, for a database with no data keys yet, creates) the master key, finishing or discarding a rotation a
    /// crash interrupted. `sample` is one wrapped data key of the database, nil when it has none. A missing key file
    /// while data keys exist is never replaced: protected text then reads as `NOTE_KEY_MISSING`.
    public func prepare(sample: (scope: String, wrapped: Data)?) {
        let found: SymmetricKey?
        do {
            if let next = try keyFile.readNext() {
                if let sample, opens(sample, with: next) { try keyFile.promoteNext() } else { keyFile.discardNext() }
            }
            found = try keyFile.read()
        } catch {
            state.withLock { $0.problem = Self.message(error) }
            return
        }
        if let found {
            if let sample, !opens(sample, with: found) {
                state.withLock {
                    $0.problem = "\(keyFile.path) does not open this database's keys (a different key file); restore the one it was written with"
                }
                return
            }
            state.withLock { $0.master = found }
            return
        }
        guard sample == nil else {
            state.withLock {
                $0.problem =
                    "the master key \(keyFile.path) is missing, and the database holds text encrypted under it; restore the file "
                    + "(or point PORT_DADDY_MASTER_KEY_FILE at it) and restart the daemon"
            }
            return
        }
        let key = SealedText.newKey()
        do {
            try keyFile.create(key)
            state.withLock { $0.master = key }
        } catch {
            state.withLock { $0.problem = Self.message(error) }
        }
    }

    /// Seals `text` for the row, creating the scope's data key when it has none.
    public func seal(_ text: String, row: RowRef, in db: Database) throws(PortDaddyError) -> Data {
        SealedText.seal(Data(text.utf8), key: try dataKey(row.scope, in: db, create: true), context: row.context)
    }

    /// Opens a sealed value of the row: `NOTE_KEY_MISSING` without a master key, `NOTE_TAMPERED` when it (or its
    /// data key) does not authenticate.
    public func open(_ sealed: Data, row: RowRef, in db: Database) throws(PortDaddyError) -> String {
        let key = try dataKey(row.scope, in: db, create: false)
        guard let plain = try? SealedText.open(sealed, key: key, context: row.context), let text = String(data: plain, encoding: .utf8)
        else { throw .noteTampered("the encrypted text of \(row.table) \(row.id) does not authenticate (it was changed or moved)") }
        return text
    }

    func dataKey(_ scope: String, in db: Database, create: Bool) throws(PortDaddyError) -> SymmetricKey {
        let wrapped: Data?
        do { wrapped = try Data.fetchOne(db, sql: "SELECT wrapped FROM data_keys WHERE scope = ?", arguments: [scope]) } catch {
            throw .storage(String(describing: error))
        }
        if let wrapped { return try unwrap(wrapped, scope: scope) }
        guard create else { throw .noteTampered("the data key of \(scope) is gone from the database") }
        let master = try masterKey()
        let key = SealedText.newKey()
        let sealed = key.withUnsafeBytes { SealedText.seal(Data($0), key: master, context: SealedText.wrapContext(scope: scope)) }
        do {
            try db.execute(
                sql: "INSERT INTO data_keys (scope, wrapped, created_at) VALUES (?, ?, ?)",
                arguments: [scope, sealed, Int64(Date().timeIntervalSince1970 * 1000)])
        } catch { throw .storage(String(describing: error)) }
        return key
    }

    func unwrap(_ wrapped: Data, scope: String) throws(PortDaddyError) -> SymmetricKey {
        let (cached, master, previous) = state.withLock { ($0.cache[wrapped], $0.master, $0.previous) }
        if let cached { return cached }
        guard let master else { throw missing() }
        let context = SealedText.wrapContext(scope: scope)
        guard
            let plain = (try? SealedText.open(wrapped, key: master, context: context))
                ?? previous.flatMap({ try? SealedText.open(wrapped, key: $0, context: context) })
        else { throw .noteTampered("the wrapped data key of \(scope) does not authenticate") }
        let key = SymmetricKey(data: plain)
        state.withLock {
            if $0.cache.count >= Self.cacheLimit { $0.cache.removeAll() }
            $0.cache[wrapped] = key
        }
        return key
    }

    func masterKey() throws(PortDaddyError) -> SymmetricKey {
        guard let master = state.withLock({ $0.master }) else { throw missing() }
        return master
    }

    func missing() -> PortDaddyError {
        .noteKeyMissing(state.withLock { $0.problem } ?? "no master key is loaded")
    }

    func opens(_ sample: (scope: String, wrapped: Data), with key: SymmetricKey) -> Bool {
        (try? SealedText.open(sample.wrapped, key: key, context: SealedText.wrapContext(scope: sample.scope))) != nil
    }

    static func message(_ error: any Error) -> String {
        if case .unreadable(let why) = error as? MasterKeyFile.Problem { return why }
        return String(describing: error)
    }
}

extension TextVault {
    /// Re-wraps one data key from the current master key to `next` (a rotation, inside its transaction).
    func rewrap(_ wrapped: Data, scope: String, to next: SymmetricKey) throws(PortDaddyError) -> Data {
        let context = SealedText.wrapContext(scope: scope)
        guard let plain = try? SealedText.open(wrapped, key: try masterKey(), context: context) else {
            throw .noteTampered("the wrapped data key of \(scope) does not authenticate; nothing was rotated")
        }
        return SealedText.seal(plain, key: next, context: context)
    }

    /// Makes `next` the master key once the database holds the data keys wrapped under it.
    func install(_ next: SymmetricKey) {
        state.withLock {
            $0.previous = $0.master
            $0.master = next
            $0.cache.removeAll()
        }
    }
}
