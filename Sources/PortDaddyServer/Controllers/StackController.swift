import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig
import PortDaddyStacks

/// Stack routes: up, down, restart, list, logs, the live feed, and the environment bundle. Everything that
/// starts processes or reads a `.portdaddyrc` needs the Unix socket or the user's token.
struct StackController {
    let stacks: StackSupervisor
    let runtime: ServerRuntime

    func addRoutes(to router: Router<PDRequestContext>) {
        router.get("/stacks") { _, _ in try JSONResponse.make(StacksResponse(stacks: await stacks.list())) }
        router.post("/stacks/up") { request, context in
            try trust(request, context, "starting a stack")
            var body = try await request.decodeJSON(StackUpRequest.self, context: context)
            body.root = try checkRoot(body.root)
            let wait = request.uri.queryParameters.get("wait") == "true"
            return try JSONResponse.make(try await stacks.up(body, wait: wait), status: .ok)
        }
        router.post("/stacks/env") { request, context in
            try trust(request, context, "reading a .portdaddyrc")
            var body = try await request.decodeJSON(StackEnvRequest.self, context: context)
            body.root = try checkRoot(body.root)
            return try JSONResponse.make(try await stacks.environment(root: body.root, context: body.context, owner: body.pid?.value))
        }
        router.get("/stacks/:key") { _, context in try JSONResponse.make(try await stacks.info(key(context))) }
        router.post("/stacks/:key/down") { request, context in
            try trust(request, context, "stopping a stack")
            let body = try await optionalServices(request, context)
            return try JSONResponse.make(try await stacks.down(key(context), services: body))
        }
        router.post("/stacks/:key/restart") { request, context in
            try trust(request, context, "restarting a service")
            let body = try await optionalServices(request, context)
            return try JSONResponse.make(try await stacks.restart(key(context), services: body))
        }
        router.get("/stacks/:key/logs") { request, context in
            try trust(request, context, "reading a stack's output")
            let feed = try await stacks.feed(key(context))
            let service = request.uri.queryParameters.get("service").map { String($0) }
            let lines = min(max(request.uri.queryParameters.get("lines").flatMap { Int($0) } ?? 200, 0), StackFeed.linesPerService)
            return try JSONResponse.make(StackLogsResponse(events: feed.lines(service: service, limit: lines), cursor: feed.cursor))
        }
        router.get("/stacks/:key/events") { request, context in
            try trust(request, context, "following a stack's output")
            return try await events(request, context)
        }
    }

    func key(_ context: PDRequestContext) -> String {
        context.parameters.get("key").map { $0.removingPercentEncoding ?? $0 } ?? ""
    }

    /// Requests that run commands or read files come over the Unix socket, or carry the user's token.
    func trust(_ request: Request, _ context: PDRequestContext, _ what: String) throws {
        guard UserAuthority.holds(request, context, token: runtime.userToken) else { throw PortDaddyError.untrustedCaller(what) }
    }

    /// The canonical path (symlinks resolved) of an absolute directory path, so one checkout is one stack.
    func checkRoot(_ root: String) throws -> String {
        var isDir: ObjCBool = false
        guard root.hasPrefix("/"), FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue,
            let real = realpath(root, nil)
        else {
            throw PortDaddyError.invalidRequest("root \"\(root)\" must be an absolute path to a directory")
        }
        defer { free(real) }
        return String(cString: real)
    }

    func optionalServices(_ request: Request, _ context: PDRequestContext) async throws -> [String] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return [] }
        do { return try JSONDecoder().decode(StackServicesRequest.self, from: buffer).services } catch {
            throw PortDaddyError.invalidRequest("body must be {\"services\": [names]}")
        }
    }

    /// Server-sent events of the stack's feed after `Last-Event-ID` / `?after=` (what is still in the recent
    /// ring), then live; ends with `event: end` when the stack is stopped.
    func events(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let feed = try await stacks.feed(key(context))
        var cursor = feed.cursor
        if let value = try SSE.cursor(request, naming: "an event id") {
            // A cursor beyond the newest event (a stack stopped and started again numbers from 1) would hide
            // everything: clamp it.
            cursor = min(value, cursor)
        }
        let start = cursor
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let follower = feed.follow(after: start)
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
                var last = start
                try await writer.write(ByteBuffer(string: "retry: 1000\n: stack feed\n\n" + follower.replay.map(Self.sse).joined()))
                last = follower.replay.last?.id ?? last
                for await event in follower.live {
                    if event.kind == "ping" {
                        try await writer.write(ByteBuffer(string: ": ping\n\n"))
                    } else if event.id > last {
                        try await writer.write(ByteBuffer(string: Self.sse(event)))
                        last = event.id
                    }
                }
                try await writer.write(ByteBuffer(string: "event: end\ndata: {\"cursor\":\(last)}\n\n"))
                try await writer.finish(nil)
            })
    }

    static func sse(_ event: StackEvent) -> String {
        let data = (try? JSONEncoder().encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(event.id)\nevent: \(event.kind)\ndata: \(data)\n\n"
    }
}
