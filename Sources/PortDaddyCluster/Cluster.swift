import Dispatch
import Logging
import PortDaddyAPI
import PortDaddyCore
import PostgresNIO
import Synchronization

/// This daemon's membership of a cluster: the connections to PostgreSQL, the shared stores the daemon's services
/// use instead of SQLite (locks, channels and cursors), and the background work — lease renewal, the LISTEN
/// connection, the channel feed, and publishing this node's port claims.
public final class Cluster: NodeLiveness, Sendable {
    public let link: PostgresLink
    public let nodes: ClusterNodes
    let lockStore: ClusterLocks
    let messageStore: ClusterChannelStore
    let coordination: ClusterCoordinationStore
    let logger: Logger
    /// Nodes counted alive for agents (lease plus grace), refreshed at each heartbeat.
    let aliveNodes = Mutex<Set<String>>([])
    let tasks = Mutex<[Task<Void, Never>]>([])
    let feed = Mutex<ClusterChannelFeed?>(nil)
    /// When this node last renewed its lease (uptime nanoseconds), and whether the lease has lapsed since: past it,
    /// the locks held through this node may be granted elsewhere.
    let lastRenewal = Mutex<(at: UInt64, lapsed: Bool)>((0, false))
    /// The claims last published (nil: none yet), so an unchanged list is not written again every heartbeat.
    let published = Mutex<[PublishedPort]?>(nil)

    public var settings: ClusterSettings { link.settings }
    public var localNode: String { settings.node }
    /// The locks every node shares.
    public var locks: any SharedLocks { lockStore }
    /// Channel messages and consumer cursors, shared.
    public var channelStore: any ChannelStore { messageStore }
    /// Agents, sessions, notes, file claims, salvage and integration signals, shared.
    public var coordinationStore: any CoordinationStore { coordination }

    init(link: PostgresLink, logger: Logger) {
        self.link = link
        self.logger = logger
        nodes = ClusterNodes(link: link)
        lockStore = ClusterLocks(link: link)
        messageStore = ClusterChannelStore(link: link)
        coordination = ClusterCoordinationStore(link: link)
    }

    /// Connects, runs the cluster migrations and joins under `settings.node`. Fails (one clear line) when
    /// PostgreSQL cannot be reached, refuses the login, or the database does not exist: a daemon does not start
    /// half-joined.
    public static func join(_ settings: ClusterSettings, httpPort: Int?, logger: Logger) throws(PortDaddyError) -> Cluster {
        let link = PostgresLink(settings: settings, logger: logger)
        let cluster = Cluster(link: link, logger: logger)
        do {
            try ClusterSchema.migrate(link)
            try cluster.nodes.join(httpPort: httpPort)
            try cluster.refreshNodes()
        } catch {
            link.close()
            throw error
        }
        cluster.lastRenewal.withLock { $0 = (DispatchTime.now().uptimeNanoseconds, false) }
        link.startLoggingOutages()
        return cluster
    }

    public func isNodeAlive(_ node: String) -> Bool {
        node == localNode || aliveNodes.withLock { $0.contains(node) }
    }

    func refreshNodes() throws(PortDaddyError) {
        let grace = Int64(settings.graceSeconds * 1000)
        let rows = try link.query("SELECT name FROM nodes WHERE lease_until + \(grace) > pd_now()")
        let names = Set(rows.rows.compactMap { try? $0.decode(String.self) })
        aliveNodes.withLock { $0 = names }
    }

    /// Starts the background work: lease renewal (every third of the lease, with this node's claims published each
    /// time), the LISTEN connection, and the channel feed into `hub`.
    public func start(hub: ChannelHub, httpPort: @escaping @Sendable () -> Int?, ports: @escaping @Sendable () -> [PublishedPort]) {
        let start = (try? messageStore.latestMessageID()) ?? 0
        let feed = ClusterChannelFeed(store: messageStore, hub: hub, from: start)
        self.feed.withLock { $0 = feed }
        let listener = ClusterListener(link: link, locks: lockStore, feed: feed)
        let interval = Duration.milliseconds(Int64(settings.leaseSeconds * 1000 / 3))
        let heartbeat = Task { [self] in
            while !Task.isCancelled {
                beat(httpPort: httpPort(), ports: ports())
                try? await Task.sleep(for: interval)
            }
        }
        tasks.withLock { $0 = [heartbeat, Task { await listener.run() }, Task { await feed.run() }] }
    }

    /// One heartbeat: renew the lease, refresh which nodes are alive, publish this node's claims.
    func beat(httpPort: Int?, ports: [PublishedPort]) {
        do throws(PortDaddyError) {
            try nodes.renew(httpPort: httpPort)
            let lapsed = lastRenewal.withLock { r -> Bool in
                defer { r = (DispatchTime.now().uptimeNanoseconds, false) }
                return r.lapsed
            }
            if lapsed { logger.notice("cluster: lease renewed again; this node's new locks count") }
            try refreshNodes()
            try publish(ports)
        } catch {
            let now = DispatchTime.now().uptimeNanoseconds
            let newlyLapsed = lastRenewal.withLock { r -> Bool in
                guard !r.lapsed, Double(now - r.at) / 1e9 > settings.leaseSeconds else { return false }
                r.lapsed = true
                return true
            }
            if newlyLapsed {
                let why = "other nodes may now take the locks held through this node (fencing tokens keep writers safe)"
                logger.warning("cluster: lease expired without renewal: \(why)")
            }
        }
    }

    /// Replaces this node's published claims: one delete and one insert of them all, skipped when nothing changed since
    /// the last publish that committed.
    func publish(_ ports: [PublishedPort]) throws(PortDaddyError) {
        guard published.withLock({ $0 != ports }) else { return }
        let node = localNode
        let (identities, numbers, pids, states) = (ports.map(\.identity), ports.map(\.port), ports.map { $0.pid ?? -1 }, ports.map(\.state))
        try link.transaction { tx in
            try tx.query("DELETE FROM node_ports WHERE node = \(node)")
            try tx.query(
                """
                INSERT INTO node_ports (node, identity, port, pid, state, updated_at)
                SELECT \(node), i, p, nullif(pid, -1), st, pd_now()
                FROM unnest(\(identities)::text[], \(numbers)::int[], \(pids)::int[], \(states)::text[]) AS u(i, p, pid, st)
                """)
        }
        published.withLock { $0 = ports }
    }

    /// Every node's published claims whose identity matches `pattern` (all with nil), with each node's host.
    public func publishedPorts(matching pattern: IdentityPattern?) throws(PortDaddyError) -> [ClusterPortInfo] {
        let rows = try link.query(
            """
            SELECT p.node, n.host, n.lease_until > pd_now(), p.identity, p.port, p.pid, p.state, p.updated_at
            FROM node_ports p JOIN nodes n ON n.name = p.node ORDER BY p.identity, p.node
            """)
        return rows.rows.compactMap { row -> ClusterPortInfo? in
            guard let v = try? row.decode((String, String, Bool, String, Int, Int?, String, Int64).self) else { return nil }
            if let pattern, !pattern.matches(name: v.3) { return nil }
            return ClusterPortInfo(node: v.0, host: v.1, nodeAlive: v.2, identity: v.3, port: v.4, pid: v.5, state: v.6, updatedAt: v.7)
        }
    }

    /// The cluster as `GET /cluster` shows it; nodes are empty (and `outage` says why) when PostgreSQL is down.
    public func status() -> ClusterStatusResponse {
        let listed = try? nodes.list()
        let s = settings
        return ClusterStatusResponse(
            node: s.node, url: s.displayURL, reachable: listed != nil, outage: listed == nil ? (link.outage ?? "unreachable") : nil,
            leaseSeconds: s.leaseSeconds, graceSeconds: s.graceSeconds,
            nodes: listed ?? [])
    }

    /// Stops the background work, gives the lease up (this node's locks free at once) and closes the connections.
    public func leave() {
        let running = tasks.withLock { t -> [Task<Void, Never>] in
            defer { t.removeAll() }
            return t
        }
        for task in running { task.cancel() }
        feed.withLock { $0?.stop() }
        lockStore.cancelAllWaiters()
        nodes.leave()
        link.close()
    }
}

/// A claim this node publishes to the cluster.
public struct PublishedPort: Sendable, Equatable {
    public var identity: String
    public var port: Int
    public var pid: Int?
    public var state: String

    public init(identity: String, port: Int, pid: Int?, state: String) {
        self.identity = identity
        self.port = port
        self.pid = pid
        self.state = state
    }
}
