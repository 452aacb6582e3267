import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PortDaddyAPI
import PortDaddyCore
import PortDaddyFleetConfig
import PortDaddyRuns

/// Fleets: `GET /fleet` (open), `POST /fleet/{project}/up` and `/down` (the user's authority: they start agents
/// that spend). The daemon reads `pd-fleet.yml` only from the folder the user named with that authority.
struct FleetController: RouteController {
    let fleets: FleetSupervisor
    let panic: PanicSwitch
    let runs: RunService
    let channels: ChannelService
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.fleets, use: list)
        routes.on(Routes.fleetEvents, use: events)
        routes.on(Routes.fleetPrompt, use: prompt)
        let guarded = routes.requiringUserAuthority(
            token: userToken,
            actions: [
                "/fleet/{project}/up": "starting a fleet", "/fleet/{project}/down": "stopping a fleet",
                "/fleet/{project}/enable": "enabling a fleet", "/fleet/{project}/disable": "disabling a fleet",
                "/fleet/reload": "reloading fleets", "/fleet/config/{project}": "reading or rewriting a fleet's pd-fleet.yml",
            ])
        guarded.on(Routes.fleetConfig, use: config)
        guarded.on(Routes.fleetConfigWrite, use: writeConfig)
        guarded.on(Routes.fleetReload, use: reload)
        guarded.on(Routes.fleetUp, use: up)
        guarded.on(Routes.fleetDown, use: down)
        guarded.on(Routes.fleetEnable, use: enable)
        guarded.on(Routes.fleetDisable, use: disable)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(FleetsResponse(panicked: panic.isPanicked, fleets: await fleets.status()))
    }

    @Sendable func up(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let (project, body, config) = try await Self.fleetFile(request, context)
        return try JSONResponse.make(
            try await fleets.up(project: project, root: body.path, config: config, environment: body.env ?? [:], attached: body.attached == true))
    }

    @Sendable func reload(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(await fleets.checkFiles())
    }

    @Sendable func enable(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let (project, body, config) = try await Self.fleetFile(request, context)
        return try JSONResponse.make(try await fleets.enable(project: project, root: body.path, config: config, environment: body.env ?? [:]))
    }

    @Sendable func disable(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let project = try WalletService.projectName(context.parameter("project"))
        guard try await fleets.disable(project: project) else { throw PortDaddyError.notFound("no fleet runs for project \(project)") }
        return try JSONResponse.make(FleetsResponse(panicked: panic.isPanicked, fleets: await fleets.status()))
    }

    /// The project, the request, and the fleet file read from the folder the user named (with the user's authority).
    static func fleetFile(_ request: Request, _ context: PDRequestContext) async throws -> (String, FleetUpRequest, FleetConfig) {
        let body = try await request.decodeJSON(FleetUpRequest.self, context: context)
        let project = try WalletService.projectName(context.parameter("project"))
        guard body.path.hasPrefix("/") else { throw PortDaddyError.invalidRequest("path must be the absolute folder of pd-fleet.yml") }
        let validation = FleetConfig.load(path: body.path + "/" + FleetConfig.fileName)
        guard let config = validation.config else { throw PortDaddyError.invalidFleetConfig(problems: validation.errors.map(\.description)) }
        return (project, body, config)
    }

    @Sendable func down(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let project = try WalletService.projectName(context.parameter("project"))
        guard await fleets.down(project: project) else { throw PortDaddyError.notFound("no fleet runs for project \(project)") }
        return try JSONResponse.make(FleetsResponse(panicked: panic.isPanicked, fleets: await fleets.status()))
    }

    /// `GET /fleet/events`: the SSE view of channel `fleet:events` (`?project=` keeps one project's). `?attach=KEY`
    /// follows an attached fleet: that fleet's events only, and when the stream ends the fleet stops.
    @Sendable func events(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let after = try SSE.cursor(request, naming: "a fleet event id")
        var project = request.uri.queryParameters.get("project").map { String($0) }
        var stream = ChannelStream(
            channels: channels, pattern: try ChannelService.pattern(FleetSupervisor.eventsChannel),
            heartbeatSeconds: ChannelController.heartbeatSeconds)
        if let key = request.uri.queryParameters.get("attach").map({ String($0) }) {
            guard let attached = await fleets.attach(token: key) else {
                throw PortDaddyError.notFound("no attached fleet has that key (it stopped, or it was replaced)")
            }
            project = attached
            // A follower that vanishes is noticed at the next keep-alive: keep them frequent.
            stream = ChannelStream(channels: channels, pattern: stream.pattern, heartbeatSeconds: 1)
            let fleets = self.fleets
            stream.onEnd = { await fleets.detach(token: key) }
        }
        if let project {
            stream.keep = { Self.project(of: $0) == project }
        }
        do { return try stream.response(after: after, connection: context.channel) } catch {
            await stream.onEnd?()
            throw error
        }
    }

    /// The project a fleet event names (`{"project": …}` in its body).
    static func project(of message: ChannelMessageInfo) -> String? {
        guard let data = message.message.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["project"] as? String
    }

    /// `GET /fleet/prompt?project=`: one line of text for a shell prompt (empty when nothing runs).
    @Sendable func prompt(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let project = request.uri.queryParameters.get("project").map { String($0) }
        let entries = await fleets.promptEntries(project: project, pendingKills: await runs.pendingBudgetKills())
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let line = FleetPromptLine.render(entries, panicked: panic.isPanicked)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: line.isEmpty ? "" : line + "\n")))
    }

    @Sendable func config(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let project = try WalletService.projectName(context.parameter("project"))
        return try Self.withTag(try await fleets.configFile(project))
    }

    @Sendable func writeConfig(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let project = try WalletService.projectName(context.parameter("project"))
        let body = try await request.decodeJSON(FleetConfigWrite.self, context: context)
        let ifMatch = request.headers[.ifMatch]
        return try Self.withTag(try await fleets.writeConfig(project, yaml: body.yaml, ifMatch: ifMatch))
    }

    /// The file's JSON with its hash as the `ETag` too.
    static func withTag(_ file: FleetConfigFile) throws -> Response {
        var response = try JSONResponse.make(file)
        response.headers[.eTag] = "\"\(file.sha256)\""
        return response
    }
}
