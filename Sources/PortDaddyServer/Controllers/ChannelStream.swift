import Foundation
import Hummingbird
import NIOCore
import PortDaddyAPI
import PortDaddyCore

/// One SSE stream of a channel pattern: replays what came after the cursor, then follows live messages, with
/// keep-alive comments. Used by `GET /channels/{name}/subscribe` and views of one channel such as `/fleet/events`.
struct ChannelStream: Sendable {
    let channels: ChannelService
    let pattern: IdentityPattern
    /// Seconds between keep-alive comments (also how soon a vanished client is noticed).
    let heartbeatSeconds: Double
    /// Which messages to send (all by default); the cursor still moves past the others.
    var keep: @Sendable (ChannelMessageInfo) -> Bool = { _ in true }
    /// Runs once when the stream ends, however it ends (the client went away, the daemon stops).
    var onEnd: (@Sendable () async -> Void)?

    func response(after: Int64?, connection: any Channel) throws -> Response {
        try channels.checkRoomForSubscriber()
        let stream = self
        return Response(
            status: .ok, headers: SSE.headers,
            body: ResponseBody { writer in
                do {
                    try await stream.write(to: &writer, after: after, connection: connection)
                } catch {
                    await stream.onEnd?()
                    throw error
                }
                await stream.onEnd?()
            })
    }

    private func write(to writer: inout any ResponseBodyWriter, after: Int64?, connection: any Channel) async throws {
        // Register first, then replay from the store: nothing published in between is lost, and duplicates are
        // skipped by id. Without a cursor the stream starts at the newest id (read before registering), so the
        // cursor it reports is always meaningful.
        let newest = after == nil ? try channels.latestID() : 0
        let subscription = channels.hub.subscribe(pattern)
        // Dropped as too slow: a client that reads gets the end event below; one that does not is cut off after a
        // moment, which ends the write it blocks and frees what it held.
        subscription.onDrop {
            connection.eventLoop.scheduleTask(in: .seconds(2)) { connection.close(promise: nil) }
        }
        let heartbeat = Task { [heartbeatSeconds] in
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(Int(heartbeatSeconds * 1000)))
                subscription.ping()
            }
        }
        defer {
            heartbeat.cancel()
            subscription.cancel()
        }
        try await writer.write(ByteBuffer(string: "retry: 1000\n: subscribed to \(pattern)\n\n"))
        var cursor = after ?? newest
        if after != nil {
            while true {
                let batch = try channels.history(pattern, after: cursor, limit: 500)
                guard let last = batch.last else { break }
                let text = batch.filter(keep).map(SSE.event).joined()
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                cursor = last.id
            }
        }
        for await delivery in subscription.messages {
            switch delivery {
            case .message(let message) where message.id > cursor:
                if keep(message) { try await writer.write(ByteBuffer(string: SSE.event(message))) }
                cursor = message.id
            case .message: continue
            case .ping: try await writer.write(ByteBuffer(string: ": ping\n\n"))
            }
        }
        let reason = subscription.end == .tooSlow ? "too-slow" : "shutting-down"
        try await writer.write(ByteBuffer(string: "event: end\ndata: {\"reason\":\"\(reason)\",\"cursor\":\(cursor)}\n\n"))
        try await writer.finish(nil)
    }
}
