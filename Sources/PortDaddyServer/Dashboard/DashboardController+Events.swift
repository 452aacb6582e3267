import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import ServiceLifecycle
import Synchronization

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

    /// Milliseconds between looks at the stacks' pulse (an in-memory counter with no event of its own; the
    /// activity records and channel messages are pushed).
    static let pulseCheckMillis = 250
    /// Pulse looks with nothing to send between keep-alive comments (about 15 s).
    static let idleWakesPerPing = 60

    /// What the pushes brought since the stream last wrote.
    struct News {
        var records: [ActivityInfo] = []
        var messages = false
    }

    /// The news of one stream, shared by its forwarding tasks and its writer.
    final class NewsBox: Sendable {
        let state = Mutex(News())

        /// Takes what arrived, leaving nothing.
        func take() -> News {
            state.withLock { pending in
                defer { pending = News() }
                return pending
            }
        }
    }

    /// `GET /dashboard/events`: replays what came after `Last-Event-ID` / `?after=<activity>-<message>`, then
    /// streams new activity (`event: activity`, pushed by the activity log) and channel messages
    /// (`event: message`, woken by the channel hub) as they happen, and `event: stack` / `event: run` (no content:
    /// output stays behind the user's token) when some stack or agent run wrote something.
    func events(_ request: Request) throws -> Response {
        let newest = EventCursor(activity: try activity.newestID(), message: try channels.latestID())
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
        let (activity, channels, pulse, runPulse) = (self.activity, self.channels, self.stacks.pulse, self.runs.pulse)
        return Response(
            status: .ok, headers: SSE.headers,
            body: ResponseBody { writer in
                // Register with the hub before the first read: a message published in between wakes the loop,
                // and the store read by cursor never loses or repeats one.
                let subscription = channels.hub.subscribe(try ChannelService.pattern("*"))
                defer { subscription.cancel() }
                var cursor = start
                let encoder = JSONEncoder()
                let data = String(decoding: try encoder.encode(hello), as: UTF8.self)
                try await writer.write(ByteBuffer(string: "retry: 1000\nid: \(cursor.id)\nevent: hello\ndata: \(data)\n\n"))
                let replay =
                    try Self.replayActivity(activity, cursor: &cursor, encoder: encoder)
                    + Self.drainMessages(channels, cursor: &cursor, encoder: encoder)
                if !replay.isEmpty { try await writer.write(ByteBuffer(string: replay)) }
                // The follower replays from the store what was written since the read above, then pushes.
                let follower = activity.follow(after: cursor.activity)
                let news = NewsBox()
                let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
                let forwardMessages = Task {
                    for await _ in subscription.messages {
                        news.state.withLock { $0.messages = true }
                        wake.yield()
                    }
                    wake.finish()  // the hub ended it: the daemon is shutting down (or we fell far behind)
                }
                let forwardActivity = Task {
                    do {
                        for try await batch in follower where !batch.isEmpty {
                            news.state.withLock { $0.records += batch }
                            wake.yield()
                        }
                    } catch {}
                    wake.finish()  // the log ended it: the daemon is shutting down
                }
                let ticker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(Self.pulseCheckMillis))
                        wake.yield()
                    }
                }
                defer {
                    ticker.cancel()
                    forwardActivity.cancel()
                    forwardMessages.cancel()
                    follower.stop()
                }
                var idle = 0
                var beats = pulse.value
                var runBeats = runPulse.value
                for await _ in wakes {
                    if Task.isShuttingDownGracefully { break }
                    let now = news.take()
                    var chunk = ""
                    for record in now.records where record.id > cursor.activity {
                        cursor.activity = record.id
                        chunk += SSE.event(record, id: cursor.id, encoder: encoder)
                    }
                    if now.messages { chunk += try Self.drainMessages(channels, cursor: &cursor, encoder: encoder) }
                    if pulse.value != beats {
                        beats = pulse.value
                        chunk += "event: stack\ndata: {}\n\n"
                    }
                    if runPulse.value != runBeats {
                        runBeats = runPulse.value
                        chunk += "event: run\ndata: {}\n\n"
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
                }
                try await writer.write(ByteBuffer(string: "event: end\ndata: {\"reason\":\"shutting-down\",\"cursor\":\"\(cursor.id)\"}\n\n"))
                try await writer.finish(nil)
            })
    }

    /// The activity stored after `cursor` as SSE events, advancing the cursor.
    static func replayActivity(_ activity: ActivityLog, cursor: inout EventCursor, encoder: JSONEncoder) throws -> String {
        var out = ""
        while true {
            let records = try activity.list(afterID: cursor.activity, type: nil, limit: 500)
            for record in records {
                cursor.activity = record.id
                out += SSE.event(record, id: cursor.id, encoder: encoder)
            }
            if records.count < 500 { return out }
        }
    }

    /// The channel messages stored after `cursor` as SSE events, advancing the cursor.
    static func drainMessages(_ channels: ChannelService, cursor: inout EventCursor, encoder: JSONEncoder) throws -> String {
        var out = ""
        let all = try ChannelService.pattern("*")
        while true {
            let messages = try channels.history(all, after: cursor.message, limit: 500)
            for message in messages {
                cursor.message = message.id
                out += "id: \(cursor.id)\nevent: message\ndata: \(String(decoding: try encoder.encode(message), as: UTF8.self))\n\n"
            }
            if messages.count < 500 { return out }
        }
    }

    /// A fresh page token (see `PageTokens`).
    func mintToken() -> String { tokens.mint() }
}
