import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyStackConfig
import PortDaddyStacks

/// Stack routes: up, down, restart, list, logs, the live feed, and the environment bundle. Everything that
/// starts processes or reads a `.portdaddyrc` is in one route group that needs the Unix socket or the user's
/// token (``RequireUserAuthority``).
struct StackController: RouteController {
    let stacks: StackSupervisor
    /// The user's token, which the guarded routes take over TCP.
    let userToken: String

    /// The guarded routes, by path, and what a refusal says each does.
    static let guarded: [String: String] = [
        "/stacks/up": "starting a stack",
        "/stacks/env": "reading a .portdaddyrc",
        "/stacks/{key}/down": "stopping a stack",
        "/stacks/{key}/restart": "restarting a service",
        "/stacks/{key}/logs": "reading a stack's output",
        "/stacks/{key}/events": "following a stack's output",
    ]

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.stacks, use: list)
        routes.on(Routes.stack, use: info)
        let guarded = routes.requiringUserAuthority(token: userToken, actions: Self.guarded)
        guarded.on(Routes.stackUp, use: up)
        guarded.on(Routes.stackEnvironment, use: environment)
        guarded.on(Routes.stackDown, use: down)
        guarded.on(Routes.stackRestart, use: restart)
        guarded.on(Routes.stackLogs, use: logs)
        guarded.on(Routes.stackEvents, use: events)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(StacksResponse(stacks: await stacks.list()))
    }

    @Sendable func info(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(try await stacks.info(context.parameter("key")))
    }

    @Sendable func up(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        var body = try await request.decodeJSON(StackUpRequest.self, context: context)
        body.root = try checkRoot(body.root)
        let wait = request.uri.queryParameters.get("wait") == "true"
        return try JSONResponse.make(try await stacks.up(body, wait: wait), status: .ok)
    }

    @Sendable func environment(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        var body = try await request.decodeJSON(StackEnvRequest.self, context: context)
        body.root = try checkRoot(body.root)
        return try JSONResponse.make(try await stacks.environment(root: body.root, context: body.context, owner: body.pid?.value))
    }

    @Sendable func down(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await optionalServices(request, context)
        return try JSONResponse.make(try await stacks.down(context.parameter("key"), services: body))
    }

    @Sendable func restart(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await optionalServices(request, context)
        return try JSONResponse.make(try await stacks.restart(context.parameter("key"), services: body))
    }

    @Sendable func logs(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let feed = try await stacks.feed(context.parameter("key"))
        let service = request.uri.queryParameters.get("service").map { String($0) }
        let lines = min(max(request.uri.queryParameters.get("lines").flatMap { Int($0) } ?? 200, 0), StackFeed.linesPerService)
        return try JSONResponse.make(StackLogsResponse(events: feed.lines(service: service, limit: lines), cursor: feed.cursor))
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
    @Sendable func events(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let feed = try await stacks.feed(context.parameter("key"))
        return FeedStream.response(feed, after: try SSE.cursor(request, naming: "an event id"))
    }
}
