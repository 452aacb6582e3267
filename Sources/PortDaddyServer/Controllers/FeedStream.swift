import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyStacks

/// A ``StackFeed`` (a stack's or an agent run's) as server-sent events: what is still in the recent ring after
/// the cursor, then live events, a keep-alive comment every 15 s, and a closing `end` event.
enum FeedStream {
    /// The response; `closing` is the last event's text after the feed finished (nil: the default `end` event).
    static func response(_ feed: StackFeed, after requested: Int64?, closing: (@Sendable (Int64) -> String?)? = nil) -> Response {
        var start = feed.cursor
        // A cursor beyond the newest event (a stack stopped and started again numbers from 1) would hide
        // everything: clamp it.
        if let requested { start = min(requested, start) }
        let cursor = start
        return Response(
            status: .ok, headers: SSE.headers,
            body: ResponseBody { writer in
                let follower = feed.follow(after: cursor)
                let heartbeat = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(15))
                        follower.ping()
                    }
                }
                defer {
                    heartbeat.cancel()
                    follower.stop()
                }
                var last = cursor
                try await writer.write(ByteBuffer(string: "retry: 1000\n: feed\n\n" + follower.replay.map(event).joined()))
                last = follower.replay.last?.id ?? last
                for await item in follower.live {
                    if item.kind == "ping" {
                        try await writer.write(ByteBuffer(string: ": ping\n\n"))
                    } else if item.id > last {
                        try await writer.write(ByteBuffer(string: event(item)))
                        last = item.id
                    }
                }
                let tail = closing?(last) ?? "event: end\ndata: {\"cursor\":\(last)}\n\n"
                try await writer.write(ByteBuffer(string: tail))
                try await writer.finish(nil)
            })
    }

    /// One feed event as SSE.
    static func event(_ event: StackEvent) -> String {
        let data = (try? JSONEncoder().encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(event.id)\nevent: \(event.kind)\ndata: \(data)\n\n"
    }
}
