import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Situational awareness: the changelog, `GET /look` and `GET /briefing`. Coordination data between local agents:
/// open to every caller that passes the Host/Origin checks, like notes and channels.
struct AwarenessController: RouteController {
    let changelog: Changelog
    let situation: Situation
    let coordination: CoordinationService
    let episodes: Episodes
    let tiers: MemoryTiers
    let sayer: SayService
    let advisor: Advisor
    let userToken: String

    /// Mostly note text: the user's authority only (see ``NoteText``).
    static let guarded = ["/briefing": "reading the briefing (note text)", "/memory/episodes": "reading episodes (note text)"]

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        let reading = routes.group().add(middleware: UserAuthorityMiddleware(userToken: userToken))
        let guarded = routes.requiringUserAuthority(token: userToken, actions: Self.guarded)
        routes.on(Routes.addChange, use: add)
        routes.on(Routes.changelog, use: list)
        routes.on(Routes.changelogTree, use: tree)
        reading.on(Routes.look, use: look)
        guarded.on(Routes.briefing, use: briefing)
        routes.on(Routes.memoryTiers, use: memoryTiers)
        routes.on(Routes.memoryTier, use: memoryTier)
        guarded.on(Routes.episodes, use: listEpisodes)
        routes.on(Routes.episodeStats, use: stats)
        routes.on(Routes.say, use: say)
        routes.on(Routes.advise, use: advise)
        return routes
    }

    @Sendable func add(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ChangeRequest.self, context: context)
        let agent = body.agent ?? context.agent
        // The entry names the session it came from, when the agent has one.
        let session = try agent.flatMap { try coordination.whoami($0).1?.id }
        let entry = try changelog.add(
            identity: body.identity, summary: body.summary, type: body.type ?? .note, description: body.description, agent: agent,
            session: session)
        return try JSONResponse.make(entry, status: .created)
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        let since = try Self.since(query.get("since"), bareUnit: 1).map { SystemWallClock().nowMillis() - Int64($0 * 1000) }
        let limit = min(max(query.get("limit").flatMap { Int($0) } ?? 100, 1), 10_000)
        let identity = query.get("identity").map { String($0) }
        return try JSONResponse.make(ChangelogResponse(entries: try changelog.entries(matching: identity, since: since, limit: limit)))
    }

    @Sendable func tree(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let identity = request.uri.queryParameters.get("identity").map { String($0) }
        return try JSONResponse.make(ChangeTreeResponse(roots: try changelog.tree(matching: identity)))
    }

    @Sendable func look(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        // A bare number is minutes, as the seed's `pd look --since 30`.
        let since = try Self.since(query.get("since"), bareUnit: 60) ?? 1800
        let project = query.get("project").map { String($0) }
        let heat = query.get("heat").map { $0 == "1" || $0 == "true" } ?? false
        return try JSONResponse.make(NoteText.look(try await situation.look(sinceSeconds: since, project: project, heat: heat), for: context))
    }

    @Sendable func briefing(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let project = request.uri.queryParameters.get("project").map { String($0) }
        return try JSONResponse.make(try await situation.briefing(project: project))
    }

    @Sendable func memoryTiers(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try tiers.tiers())
    }

    @Sendable func memoryTier(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try tiers.construct(context.parameter("name")))
    }

    @Sendable func listEpisodes(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        var type: EpisodeType?
        if let raw = query.get("type") {
            guard let parsed = EpisodeType(rawValue: String(raw)) else {
                throw PortDaddyError.invalidRequest("type \"\(raw)\" is not one of handoff, finding, blocker, outcome")
            }
            type = parsed
        }
        let since = try Self.since(query.get("since").map { String($0) }, bareUnit: 1).map { SystemWallClock().nowMillis() - Int64($0 * 1000) }
        let limit = min(max(query.get("limit").flatMap { Int($0) } ?? 50, 1), 10_000)
        let project = query.get("project").map { String($0) }
        return try JSONResponse.make(EpisodesResponse(episodes: try episodes.list(project: project, type: type, sinceMillis: since, limit: limit)))
    }

    @Sendable func stats(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try episodes.stats(project: request.uri.queryParameters.get("project").map { String($0) }))
    }

    @Sendable func say(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(SayRequest.self, context: context)
        guard let agent = context.agent else { throw PortDaddyError.invalidRequest("pd say needs an agent id (X-PD-Agent)") }
        return try JSONResponse.make(try sayer.say(body, agent: agent), status: .created)
    }

    @Sendable func advise(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query.get(name).map { String($0) }.flatMap { $0.isEmpty ? nil : $0 } }
        guard let path = text("path") else { throw PortDaddyError.invalidRequest("advise needs ?path=ABSOLUTE-PATH") }
        let tuples = text("tuples").map { $0 == "1" || $0 == "true" } ?? false
        let advice = try advisor.advise(
            Advisor.Query(
                path: path, agent: text("agent") ?? context.agent, task: text("task"), project: text("project"), hash: text("hash"),
                repo: text("repo"), tuples: tuples))
        return try JSONResponse.make(advice)
    }

    /// A `since` value in seconds: a duration (`30m`, `2h`), or a bare number in `bareUnit` seconds.
    static func since(_ raw: String?, bareUnit: Double) throws -> Double? {
        guard let raw, !raw.isEmpty else { return nil }
        if let number = Double(raw), number >= 0 { return number * bareUnit }
        guard let seconds = DurationParser.seconds(raw) else {
            throw PortDaddyError.invalidDuration("since \"\(raw)\" is not a duration (e.g. 30m, 2h, 7d)")
        }
        return seconds
    }
}
