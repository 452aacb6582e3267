import Dispatch
import Logging
import NIOCore
import NIOPosix
import PortDaddyCore
import PostgresNIO
import Synchronization

/// This node's connections to the cluster's PostgreSQL, for the daemon's synchronous services: a few pooled
/// connections on a private event loop, each call blocking its caller (a request task, never an event loop) until
/// the answer. When PostgreSQL cannot be reached every call fails fast with `CLUSTER_UNAVAILABLE` (without a new
/// connect attempt for `retryInterval`); ``heartbeat`` and the next call after that interval reconnect.
public final class PostgresLink: Sendable {
    struct Health {
        var down: String?
        var since: UInt64 = 0
        var lastAttempt: UInt64 = 0
        var idle: [PostgresConnection] = []
        var open = 0
        var nextID = 0
        var closed = false
        /// Outages are logged once the node has joined (before that, the failed join reports its one error line).
        var logsOutages = false
    }

    public let settings: ClusterSettings
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let health = Mutex(Health())
    /// The most connections this node opens for calls (the listener has its own).
    let maxConnections: Int
    /// How long a failed connect keeps calls failing at once before the next attempt.
    let retryInterval: UInt64 = 500_000_000
    /// The longest a call waits for its answer before the connection is declared broken.
    let callTimeout: DispatchTimeInterval = .seconds(5)

    public init(settings: ClusterSettings, maxConnections: Int = 6, logger: Logger = Logger(label: "pd.cluster")) {
        self.settings = settings
        self.maxConnections = maxConnections
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// The configuration every connection of this node uses.
    var configuration: PostgresConnection.Configuration {
        var config = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database,
            tls: .disable)
        config.options.connectTimeout = .seconds(2)
        // Every name Port Daddy uses resolves in its own schema; application_name shows the node in pg_stat_activity.
        config.options.additionalStartupParameters = [
            ("search_path", ClusterSettings.schema), ("application_name", "port-daddy:\(settings.node)"),
        ]
        return config
    }

    /// Why PostgreSQL is unreachable now, or nil when the last call reached it.
    public var outage: String? { health.withLock { $0.down } }

    /// Closes a connection without waiting. The completion holds the connection until it is closed: PostgresNIO
    /// requires a connection to be closed before it is released.
    static func closeQuietly(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs `query` on a pooled connection and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) throws(PortDaddyError) -> PostgresQueryResult {
        try withConnection { connection throws(PortDaddyError) in try self.run(query, on: connection) }
    }

    /// Runs `body` inside one transaction (BEGIN … COMMIT, ROLLBACK when it throws) on one connection.
    public func transaction<T>(_ body: (Transaction) throws -> T) throws(PortDaddyError) -> T {
        try withConnection { connection throws(PortDaddyError) -> T in
            try self.run("BEGIN", on: connection)
            do {
                let value = try body(Transaction(link: self, connection: connection))
                try self.run("COMMIT", on: connection)
                return value
            } catch {
                _ = try? self.run("ROLLBACK", on: connection)
                if let error = error as? PortDaddyError { throw error }
                throw .storage("cluster transaction: \(error)")
            }
        }
    }

    /// Queries run inside one ``PostgresLink/transaction(_:)``.
    public struct Transaction {
        let link: PostgresLink
        let connection: PostgresConnection

        /// Runs one statement of the transaction.
        @discardableResult
        public func query(_ query: PostgresQuery) throws(PortDaddyError) -> PostgresQueryResult { try link.run(query, on: connection) }
    }

    /// Lends a connection to `body`, opening one when none is idle (up to ``maxConnections``; beyond that a call
    /// opens a short-lived extra one rather than queue behind a slow caller).
    func withConnection<T>(_ body: (PostgresConnection) throws(PortDaddyError) -> T) throws(PortDaddyError) -> T {
        let connection = try borrow()
        do {
            let value = try body(connection)
            giveBack(connection)
            return value
        } catch {
            if case .clusterUnavailable = error { discard(connection) } else { giveBack(connection) }
            throw error
        }
    }

    func borrow() throws(PortDaddyError) -> PostgresConnection {
        let now = DispatchTime.now().uptimeNanoseconds
        let decision: Result<PostgresConnection?, PortDaddyError> = health.withLock { h in
            if h.closed { return .failure(.clusterUnavailable("this node left the cluster (the daemon is stopping)")) }
            while let connection = h.idle.popLast() {
                // One the server closed while idle (a restart, an admin shutdown) is dropped, not used.
                if !connection.isClosed { return .success(connection) }
                h.open -= 1
            }
            if let down = h.down, now - h.lastAttempt < retryInterval { return .failure(.clusterUnavailable(down)) }
            h.lastAttempt = now
            h.open += 1
            return .success(nil)
        }
        if let connection = try decision.get() { return connection }
        do {
            let connection = try connect()
            health.withLock { h in
                if h.down != nil { logger.notice("cluster: PostgreSQL at \(settings.host):\(settings.port) is reachable again") }
                h.down = nil
            }
            return connection
        } catch {
            health.withLock { $0.open -= 1 }
            throw error
        }
    }

    /// Opens a connection (its search_path is the cluster schema).
    func connect() throws(PortDaddyError) -> PostgresConnection {
        let id = health.withLock { h -> Int in
            h.nextID += 1
            return h.nextID
        }
        let future = PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger)
        let connection: PostgresConnection
        do {
            connection = try wait(future)
        } catch {
            throw markDown(describe(error))
        }
        return connection
    }

    func giveBack(_ connection: PostgresConnection) {
        let keep = health.withLock { h -> Bool in
            guard !h.closed, h.idle.count < maxConnections else {
                h.open -= 1
                return false
            }
            h.idle.append(connection)
            return true
        }
        if !keep { PostgresLink.closeQuietly(connection) }
    }

    func discard(_ connection: PostgresConnection) {
        health.withLock { $0.open -= 1 }
        PostgresLink.closeQuietly(connection)
    }

    /// Records an outage (once per outage in the log) and returns the error callers get.
    func markDown(_ why: String) -> PortDaddyError {
        let message = "the cluster's PostgreSQL at \(settings.host):\(settings.port) is unavailable: \(why)"
        let idle = health.withLock { h -> [PostgresConnection] in
            if h.down == nil {
                h.since = DispatchTime.now().uptimeNanoseconds
                if h.logsOutages { logger.error("cluster: \(message)") }
            }
            h.down = message
            h.lastAttempt = DispatchTime.now().uptimeNanoseconds
            defer { h.idle.removeAll() }
            h.open -= h.idle.count
            return h.idle
        }
        for connection in idle { PostgresLink.closeQuietly(connection) }
        return .clusterUnavailable(message)
    }

    /// Runs one query and collects its rows; a lost connection is `CLUSTER_UNAVAILABLE`, an SQL error `STORAGE_ERROR`.
    @discardableResult
    func run(_ query: PostgresQuery, on connection: PostgresConnection) throws(PortDaddyError) -> PostgresQueryResult {
        do {
            return try wait(connection.query(query, logger: logger))
        } catch let error as PSQLError where error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "\(error)"
            // Class 08 (connection), 57 (operator intervention: shutdown) and 53 (resources): the server is going away.
            if state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53") { throw markDown(message) }
            if state == "P0001", let domain = ClusterFailure(message: message) { throw domain.error }
            throw .storage("cluster: \(message) (SQLSTATE \(state))")
        } catch let error as PortDaddyError {
            throw error
        } catch {
            throw markDown(describe(error))
        }
    }

    /// Blocks the calling thread (never an event loop thread) until `future` completes, at most ``callTimeout``.
    func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Result<T, any Error>?>(nil)
        future.whenComplete { result in
            box.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + callTimeout) == .success else { throw LinkTimeout() }
        return try box.withLock { $0! }.get()
    }

    struct LinkTimeout: Error, CustomStringConvertible {
        var description: String { "no answer within 5 s" }
    }

    /// One line for an error of the driver or the network.
    func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? "server error"
                if state == "28P01" || state == "28000" { return "it refused the login of \(settings.user): \(message)" }
                if state == "3D000" { return "\(message)" }
                return "\(message) (SQLSTATE \(state))"
            }
            if let underlying = error.underlying { return "\(underlying)" }
            if error.code == .authMechanismRequiresPassword {
                return "it asks for a password and none was given (PORT_DADDY_CLUSTER_PASSWORD_FILE, PGPASSWORD or ~/.pgpass)"
            }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// Closes every connection and the event loop; calls after this fail with `CLUSTER_UNAVAILABLE`.
    public func close() {
        let idle = health.withLock { h -> [PostgresConnection] in
            h.closed = true
            defer { h.idle.removeAll() }
            return h.idle
        }
        for connection in idle {
            let closing: EventLoopFuture<Void> = connection.close()
            _ = try? wait(closing)
        }
        group.shutdownGracefully { _ in }
    }

    /// A connection of its own (the LISTEN connection), opened now.
    func dedicatedConnection() throws(PortDaddyError) -> PostgresConnection { try connect() }

    /// From now on, outages are logged (the node has joined).
    func startLoggingOutages() { health.withLock { $0.logsOutages = true } }

    /// Marks PostgreSQL reachable after another path (the listener) reached it.
    func markUp() { health.withLock { $0.down = nil } }
}
