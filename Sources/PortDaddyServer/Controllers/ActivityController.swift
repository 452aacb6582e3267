import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// The activity log: `GET /activity`, the long poll `GET /activity/poll?after=` and the SSE stream
/// `GET /activity/subscribe`. The poll and the stream follow the log's event stream (``ActivityLog/follow(after:type:)``):
/// what is stored after the cursor first, then each record as it is written; nothing polls the store.
struct ActivityController: RouteController {
    let activity: ActivityLog
    /// Seconds between keep-alive comments on an idle stream.
    static let keepAliveSeconds = 15

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.activitySubscribe, use: subscribe)
        routes.on(Routes.activityPoll, use: poll)
        routes.on(Routes.activity, use: list)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let since = request.uri.queryParameters.get("since").flatMap { Int64($0) }
        let limit = min(max(request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 200, 1), 5000)
        return try JSONResponse.make(ActivityResponse(activity: try activity.list(since: since, type: type(request), limit: limit)))
    }

    /// The records after `?after=` (up to a page), waiting up to `?timeout=` seconds (default 30, at most 120) for one.
    @Sendable func poll(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let after = request.uri.queryParameters.get("after").flatMap { Int64($0) } ?? 0
        let timeout = min(max(request.uri.queryParameters.get("timeout").flatMap { Double($0) } ?? 30, 0), 120)
        let follower = activity.follow(after: after, type: type(request))
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
            follower.stop()
        }
        defer {
            timer.cancel()
            follower.stop()
        }
        for try await batch in follower where !batch.isEmpty {
            return try JSONResponse.make(ActivityResponse(activity: batch))
        }
        return try JSONResponse.make(ActivityResponse(activity: []))
    }

    /// Server-sent events of the records after `Last-Event-ID` / `?after=` (default: from now on).
    @Sendable func subscribe(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let newest = try activity.newestID()
        // A cursor beyond the newest record (another data dir, a reset store) would hide everything: clamp it.
        let cursor = try SSE.cursor(request, naming: "an activity id").map { min($0, newest) } ?? newest
        let follower = activity.follow(after: cursor, type: type(request))
        return Response(
            status: .ok, headers: SSE.headers,
            body: ResponseBody { writer in
                let heartbeat = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(Self.keepAliveSeconds))
                        follower.ping()
                    }
                }
                defer {
                    heartbeat.cancel()
                    follower.stop()
                }
                try await writer.write(ByteBuffer(string: "retry: 1000\n: activity\n\n"))
                let encoder = JSONEncoder()
                for try await batch in follower {
                    guard !batch.isEmpty else {
                        try await writer.write(ByteBuffer(string: ": ping\n\n"))
                        continue
                    }
                    var chunk = ""
                    for record in batch { chunk += SSE.event(record, id: "\(record.id)", encoder: encoder) }
                    try await writer.write(ByteBuffer(string: chunk))
                }
                try await writer.finish(nil)
            })
    }

    func type(_ request: Request) -> String? { request.uri.queryParameters.get("type").map { "\($0)" } }
}
