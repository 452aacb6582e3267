import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import ServiceLifecycle

/// The dashboard's one live stream: activity records and channel messages multiplexed into one SSE response.
extension DashboardController {
    /// Where a follower of `/dashboard/events` is: the last activity id and the last channel message id it saw.
    /// On the wire it is the SSE event id `<activity>-<message>`, so a browser's `Last-Event-ID` resumes both.
    struct EventCursor: Equatable, Sendable {
        var activity: Int64
        var message: Int64

        var id: String { "\(activity)-\(message)" }

        init(activity: Int64, message: Int64) {
            self.activity = activity
            self.message = message
        }

        /// Parses `<activity>-<message>`; `nil` when it is not one.
        init?(_ raw: String) {
            let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let a = Int64(parts[0]), let m = Int64(parts[1]), a >= 0, m >= 0 else { return nil }
            self.init(activity: a, message: m)
        }
    }

    /// The first thing a follower reads: a fresh page token (tokens do not survive a daemon restart, so a page
    /// that reconnects after one keeps working) and the cursor the stream starts from.
    struct Hello: Encodable {
        var token: String
        var cursor: String
    }

    /// Milliseconds between reads of new activity records (the log writes them in batches at about this cadence).
    static let activityPollMillis = 250
    /// Idle wake-ups between keep-alive comments (about 15 s).
    static let idleWakesPerPing = 60

    /// `GET /dashboard/events`: replays what came after `Last-Event-ID` / `?after=<activity>-<message>`, then
    /// streams new activity (`event: activity`) and channel messages (`event: message`) as they happen, and
    /// `event: stack` (no content: output stays behind the user's token) when some stack wrote something.
    func events(_ request: Request) throws -> Response {
        let newest = EventCursor(
            activity: try activity.list(since: nil, type: nil, limit: 1).last?.id ?? 0, message: try channels.latestID())
        var resume = newest
        let raw = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("after").map { "\($0)" }
        if let raw, !raw.isEmpty {
            guard let given = EventCursor(raw) else {
                throw PortDaddyError.invalidRequest("cursor \"\(raw)\" is not <activity id>-<message id>")
            }
            // A cursor from the future (another data dir, a reset store) would hide everything: clamp it.
            resume = EventCursor(activity: min(given.activity, newest.activity), message: min(given.message, newest.message))
        }
        let start = resume
        try channels.checkRoomForSubscriber()
        let hello = Hello(token: mintToken(), cursor: start.id)
        let (activity, channels, pulse) = (self.activity, self.channels, self.stacks.pulse)
        return Response(
            status: .ok, headers: SSE.headers,
            body: ResponseBody { writer in
                // Register with the hub before the first read: a message published in between wakes the loop,
                // and the store read by cursor never loses or repeats one.
                let subscription = channels.hub.subscribe(try ChannelService.pattern("*"))
                let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
                let forward = Task {
                    for await _ in subscription.messages { wake.yield() }
                    wake.finish()  // the hub ended it: the daemon is shutting down (or we fell far behind)
                }
                let ticker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(Self.activityPollMillis))
                        wake.yield()
                    }
                }
                defer {
                    ticker.cancel()
                    forward.cancel()
                    subscription.cancel()
                }
                var cursor = start
                let data = String(decoding: try JSONEncoder().encode(hello), as: UTF8.self)
                try await writer.write(ByteBuffer(string: "retry: 1000\nid: \(cursor.id)\nevent: hello\ndata: \(data)\n\n"))
                var idle = 0
                var wakeups = wakes.makeAsyncIterator()
                var beats = pulse.value
                repeat {
                    var chunk = try Self.drain(activity: activity, channels: channels, cursor: &cursor)
                    if pulse.value != beats {
                        beats = pulse.value
                        chunk += "event: stack\ndata: {}\n\n"
                    }
                    if !chunk.isEmpty {
                        try await writer.write(ByteBuffer(string: chunk))
                        idle = 0
                    } else if idle >= Self.idleWakesPerPing {
                        try await writer.write(ByteBuffer(string: ": ping\n\n"))
                        idle = 0
                    } else {
                        idle += 1
                    }
                } while await wakeups.next() != nil && !Task.isShuttingDownGracefully
                try await writer.write(ByteBuffer(string: "event: end\ndata: {\"reason\":\"shutting-down\",\"cursor\":\"\(cursor.id)\"}\n\n"))
                try await writer.finish(nil)
            })
    }

    /// Everything after `cursor` as SSE events (activity first, then messages), advancing the cursor.
    static func drain(activity: ActivityLog, channels: ChannelService, cursor: inout EventCursor) throws -> String {
        var out = ""
        let encoder = JSONEncoder()
        while true {
            let records = try activity.list(afterID: cursor.activity, type: nil, limit: 500)
            for record in records {
                cursor.activity = record.id
                out += "id: \(cursor.id)\nevent: activity\ndata: \(String(decoding: try encoder.encode(record), as: UTF8.self))\n\n"
            }
            if records.count < 500 { break }
        }
        let all = try ChannelService.pattern("*")
        while true {
            let messages = try channels.history(all, after: cursor.message, limit: 500)
            for message in messages {
                cursor.message = message.id
                out += "id: \(cursor.id)\nevent: message\ndata: \(String(decoding: try encoder.encode(message), as: UTF8.self))\n\n"
            }
            if messages.count < 500 { break }
        }
        return out
    }

    /// A fresh page token (see `PageTokens`).
    func mintToken() -> String { tokens.mint() }
}
