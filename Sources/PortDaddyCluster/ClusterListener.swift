import Logging
import NIOCore
import PortDaddyCore
import PostgresNIO

/// The LISTEN connection: `pd_locks` notifications wake this node's lock waiters, `pd_messages` ones poke the
/// channel feed. When the connection drops it reconnects every half second; on each (re)connect it wakes every
/// waiter and pokes the feed, since notifications sent meanwhile were lost.
final class ClusterListener: Sendable {
    let link: PostgresLink
    let locks: ClusterLocks
    let feed: ClusterChannelFeed

    init(link: PostgresLink, locks: ClusterLocks, feed: ClusterChannelFeed) {
        self.link = link
        self.locks = locks
        self.feed = feed
    }

    func run() async {
        while !Task.isCancelled {
            if let connection = try? listen() {
                link.markUp()
                locks.wake("*")
                feed.poke()
                await withTaskCancellationHandler {
                    try? await connection.closeFuture.get()
                } onCancel: {
                    PostgresLink.closeQuietly(connection)
                }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Opens the connection and subscribes to both channels.
    func listen() throws -> PostgresConnection {
        let connection = try link.dedicatedConnection()
        let locks = self.locks
        let feed = self.feed
        connection.addListener(channel: "pd_locks") { _, notification in locks.wake(notification.payload) }
        connection.addListener(channel: "pd_messages") { _, _ in feed.poke() }
        do {
            try link.run("LISTEN pd_locks", on: connection)
            try link.run("LISTEN pd_messages", on: connection)
        } catch {
            PostgresLink.closeQuietly(connection)
            throw error
        }
        return connection
    }
}
