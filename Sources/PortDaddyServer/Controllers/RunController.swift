import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyRuns

/// Agent runs: launch, list, follow, logs, kill, and usage reports. Launching, killing, and reading a task, output
/// or logs need the user's authority (the Unix socket or the token); the list shows states and costs to anyone who
/// passes the Host/Origin check; a usage report needs only its own run's token.
struct RunController: RouteController {
    let runs: RunService
    let userToken: String

    static let guarded: [String: String] = [
        "/spawn": "launching an agent",
        "/runs/{id}/events": "following an agent's output",
        "/runs/{id}/logs": "reading an agent's output",
        "/runs/{id}/kill": "killing an agent",
        "/sorties": "launching a sortie",
        "/sorties/{id}/events": "following a sortie's mission log",
        "/sorties/{id}/abort": "aborting a sortie",
    ]

    /// The header a custom agent proves its run with.
    static let runToken = HTTPField.Name("X-PD-Run-Token")!

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.backends, use: backends)
        routes.on(Routes.fleetModels, use: backends)
        routes.on(Routes.runUsage, use: usage)
        let reading = routes.group().add(middleware: UserAuthorityMiddleware(userToken: userToken))
        reading.on(Routes.runs, use: list)
        reading.on(Routes.run, use: info)
        reading.on(Routes.sorties, use: sorties)
        reading.on(Routes.sortie, use: sortie)
        let guarded = routes.requiringUserAuthority(token: userToken, actions: Self.guarded)
        guarded.on(Routes.spawn, use: spawn)
        guarded.on(Routes.runEvents, use: events)
        guarded.on(Routes.runLogs, use: logs)
        guarded.on(Routes.killRun, use: kill)
        guarded.on(Routes.launchSortie, use: launchSortie)
        guarded.on(Routes.sortieEvents, use: sortieEvents)
        guarded.on(Routes.abortSortie, use: abortSortie)
        return routes
    }

    @Sendable func spawn(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(SpawnRequest.self, context: context)
        let answer = try await runs.spawn(body)
        return try JSONResponse.make(answer, status: answer.run == nil ? .ok : .accepted)
    }

    @Sendable func backends(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        // The daemon's own PATH: no caller's path is looked up here (the CLI checks its own PATH for `pd backends`).
        try JSONResponse.make(BackendsResponse(backends: await runs.backends(pathVariable: ProcessInfo.processInfo.environment["PATH"])))
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let all = query.get("all").map { $0 == "true" || $0 == "1" } ?? false
        let project = query.get("project").map { String($0) }
        return try JSONResponse.make(RunsResponse(runs: try await runs.runs(all: all, project: project)))
    }

    @Sendable func info(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let full = request.uri.queryParameters.get("full").map { $0 == "true" || $0 == "1" } ?? false
        if full && !context.hasUserAuthority { throw PortDaddyError.untrustedCaller("reading an agent's task and result") }
        return try JSONResponse.make(try await runs.run(context.parameter("id"), full: full))
    }

    @Sendable func events(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let (run, feed) = try await runs.feed(context.parameter("id"))
        let after = try SSE.cursor(request, naming: "an event id")
        guard let feed else {
            // Ended before this daemon's memory: the record tells how it ended.
            let stored = try await runs.run(run.id, full: true)
            let end = RunEnd(
                state: stored.state, reason: stored.reason, exitCode: stored.exitCode, result: stored.result, cost: stored.cost,
                tokens: stored.tokens)
            let data = String(decoding: try JSONEncoder().encode(end), as: UTF8.self)
            let event = FeedStream.event(
                StackEvent(id: 1, at: stored.endedAt ?? 0, kind: "end", service: "run", stream: stored.state.rawValue, text: data))
            return Response(status: .ok, headers: SSE.headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "retry: 1000\n\n" + event)))
        }
        return FeedStream.response(feed, after: after)
    }

    @Sendable func logs(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let lines = min(max(request.uri.queryParameters.get("lines").flatMap { Int($0) } ?? 200, 0), 10_000)
        return try JSONResponse.make(RunLogsResponse(lines: try await runs.logs(context.parameter("id"), count: lines)))
    }

    @Sendable func kill(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(try await runs.kill(context.parameter("id")))
    }

    @Sendable func usage(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(UsageReport.self, context: context)
        try await runs.report(body, run: context.parameter("id"), token: request.headers[Self.runToken])
        return Response(status: .noContent)
    }

    // MARK: sorties

    @Sendable func launchSortie(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(SpawnRequest.self, context: context)
        return try JSONResponse.make(try await runs.launchSortie(body), status: .accepted)
    }

    @Sendable func sorties(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let status = request.uri.queryParameters.get("status").map { String($0) }
        return try JSONResponse.make(SortiesResponse(sorties: try await runs.sorties(state: status)))
    }

    @Sendable func sortie(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let full = request.uri.queryParameters.get("full").map { $0 == "true" || $0 == "1" } ?? false
        if full && !context.hasUserAuthority { throw PortDaddyError.untrustedCaller("reading a sortie's task and outcome") }
        return try JSONResponse.make(try await runs.sortie(context.parameter("id"), full: full))
    }

    @Sendable func abortSortie(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(try await runs.abortSortie(context.parameter("id")))
    }

    /// The mission log after the cursor, then each new entry as it is written; `end` once the sortie has ended.
    @Sendable func sortieEvents(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let id = context.parameter("id")
        _ = try await runs.sortie(id, full: false)
        let start = try SSE.cursor(request, naming: "an event id") ?? 0
        let runs = self.runs
        return Response(
            status: .ok, headers: SSE.headers,
            body: ResponseBody { writer in
                var cursor = start
                try await writer.write(ByteBuffer(string: "retry: 1000\n: sortie log\n\n"))
                while true {
                    let (events, ended) = try await runs.sortieEvents(id, after: cursor, patience: .seconds(15))
                    if ended { break }
                    if events.isEmpty {
                        try await writer.write(ByteBuffer(string: ": ping\n\n"))
                        continue
                    }
                    var text = ""
                    for event in events {
                        let data = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
                        text += "id: \(event.id)\nevent: \(event.kind)\ndata: \(data)\n\n"
                        cursor = event.id
                    }
                    try await writer.write(ByteBuffer(string: text))
                }
                try await writer.write(ByteBuffer(string: "event: end\ndata: {\"cursor\":\(cursor)}\n\n"))
                try await writer.finish(nil)
            })
    }
}
