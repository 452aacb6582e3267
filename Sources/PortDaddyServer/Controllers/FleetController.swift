import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyFleetConfig
import PortDaddyRuns

/// Fleets: `GET /fleet` (open), `POST /fleet/{project}/up` and `/down` (the user's authority: they start agents
/// that spend). The daemon reads `pd-fleet.yml` only from the folder the user named with that authority.
struct FleetController: RouteController {
    let fleets: FleetSupervisor
    let panic: PanicSwitch
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.fleets, use: list)
        let guarded = routes.requiringUserAuthority(
            token: userToken,
            actions: [
                "/fleet/{project}/up": "starting a fleet", "/fleet/{project}/down": "stopping a fleet",
                "/fleet/{project}/enable": "enabling a fleet", "/fleet/{project}/disable": "disabling a fleet",
                "/fleet/reload": "reloading fleets",
            ])
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
        return try JSONResponse.make(try await fleets.up(project: project, root: body.path, config: config, environment: body.env ?? [:]))
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
        guard let config = validation.config else {
            throw PortDaddyError.invalidRequest("pd-fleet.yml is not valid: " + validation.errors.map(\.description).joined(separator: "; "))
        }
        return (project, body, config)
    }

    @Sendable func down(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let project = try WalletService.projectName(context.parameter("project"))
        guard await fleets.down(project: project) else { throw PortDaddyError.notFound("no fleet runs for project \(project)") }
        return try JSONResponse.make(FleetsResponse(panicked: panic.isPanicked, fleets: await fleets.status()))
    }
}
