import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Channel routes: publish, history, long-poll, SSE subscribe, list, clear.
struct ChannelController: RouteController {
    let channels: ChannelService

    /// Seconds between SSE keep-alive comments.
    static let heartbeatSeconds = 15.0

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.channels, use: list)
        routes.on(Routes.publish, use: publish)
        routes.on(Routes.clearChannel, use: clear)
        routes.on(Routes.channelHistory, use: history)
        routes.on(Routes.channelPoll, use: poll)
        routes.on(Routes.channelSubscribe, use: subscribe)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(ChannelsResponse(channels: try channels.channels(), cursor: try channels.latestID()))
    }

    @Sendable func clear(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let name = try ChannelService.name(context.parameter("name"))
        return try JSONResponse.make(ChannelClearResponse(channel: name.value, removed: try channels.clear(name)))
    }

    func cursor(_ request: Request) throws -> Int64? {
        try SSE.cursor(request, naming: "a message id")
    }

    @Sendable func publish(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let name = try ChannelService.name(context.parameter("name"))
        let body = try await request.decodeJSON(PublishRequest.self, context: context)
        let stored = try channels.publish(
            to: name, message: body.message, sender: body.sender, signal: body.signal, inReplyTo: body.inReplyTo)
        return try JSONResponse.make(stored, status: .created)
    }

    @Sendable func history(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let pattern = try ChannelService.pattern(context.parameter("name"))
        let after = try cursor(request) ?? 0
        let limit = min(max(request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100, 1), 1000)
        let messages = try channels.history(pattern, after: after, limit: limit)
        return try JSONResponse.make(ChannelHistoryResponse(messages: messages, cursor: messages.last?.id ?? after))
    }

    /// Long-poll: answers at once when messages after the cursor exist, else waits for one up to `timeout`.
    @Sendable func poll(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let pattern = try ChannelService.pattern(context.parameter("name"))
        let after = try cursor(request) ?? 0
        let timeout = min(max(request.uri.queryParameters.get("timeout").flatMap { Double($0) } ?? 30, 0), 120)
        try channels.checkRoomForSubscriber()
        let subscription = channels.hub.subscribe(pattern)
        defer { subscription.cancel() }
        var messages = try channels.history(pattern, after: after, limit: 100)
        if messages.isEmpty && timeout > 0 {
            let waiter = Task {
                for await delivery in subscription.messages {
                    if case .message(let m) = delivery, m.id > after { return true }
                }
                return false
            }
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                subscription.cancel()
            }
            _ = await waiter.value
            timer.cancel()
            messages = try channels.history(pattern, after: after, limit: 100)
        }
        return try JSONResponse.make(ChannelHistoryResponse(messages: messages, cursor: messages.last?.id ?? after))
    }

    /// Server-sent events: replays what came after `Last-Event-ID` / `?after=`, then streams live messages.
    @Sendable func subscribe(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let pattern = try ChannelService.pattern(context.parameter("name"))
        return try ChannelStream(channels: channels, pattern: pattern, heartbeatSeconds: Self.heartbeatSeconds)
            .response(after: try cursor(request), connection: context.channel)
    }
}

/// Server-sent event encoding.
enum SSE {
    /// The resume point of a stream: `Last-Event-ID`, else `?after=`; nil when neither is given. Anything but a
    /// non-negative integer is a 400 naming what it should have been.
    static func cursor(_ request: Request, naming what: String) throws -> Int64? {
        let raw = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("after").map { String($0) }
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = Int64(raw), value >= 0 else { throw PortDaddyError.invalidRequest("cursor \"\(raw)\" is not \(what)") }
        return value
    }

    /// The head of every event stream: `text/event-stream`, never cached.
    static var headers: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return headers
    }

    /// One activity record as an SSE event with the given id (the dashboard's ids carry its message cursor too).
    static func event(_ record: ActivityInfo, id: String, encoder: JSONEncoder) -> String {
        let data = (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(id)\nevent: activity\ndata: \(data)\n\n"
    }

    static func event(_ message: ChannelMessageInfo) -> String {
        let data = (try? JSONEncoder().encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(message.id)\nevent: message\ndata: \(data)\n\n"
    }
}
