import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyRuns
import PortDaddyStackConfig
import PortDaddyStacks

/// `GET /health` (v1 shape), `GET /status` and `GET /diagnostics`.
struct SystemController: RouteController {
    let claims: ClaimService
    let store: any ClaimStore
    let runtime: ServerRuntime
    let stacks: StackSupervisor
    let runs: RunService
    let metrics: RunMetrics
    let fleets: FleetSupervisor

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.health, use: health)
        routes.on(Routes.status, use: status)
        routes.on(Routes.diagnostics, use: diagnostics)
        return routes
    }

    var uptime: Int { Int((SystemWallClock().nowMillis() - runtime.startedAt) / 1000) }

    @Sendable func health(_ request: Request, _ context: PDRequestContext) throws -> Response {
        runtime.healthBody.response(uptimeSeconds: uptime, activePorts: claims.count)
    }

    @Sendable func status(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let config = runtime.configuration
        let running = await stacks.list().map(\.key)
        let going = try await runs.runs(all: false, project: nil).filter { !$0.state.isFinal }
        let agentRuns = RunsStatus(
            running: going.count, names: going.map(\.name), spentToday: try metrics.spentToday(), pendingKills: await runs.pendingBudgetKills().count,
            panicked: await runs.isPanicked)
        return try JSONResponse.make(
            StatusResponse(
                status: "ok", version: PortDaddyVersion.current, pid: Int(getpid()), uptimeSeconds: uptime,
                home: config.environment.home, socket: config.environment.socketPath, tcpHost: config.tcpHost,
                tcpPort: runtime.tcpPort, rangeStart: config.claims.range.lowerBound,
                rangeEnd: config.claims.range.upperBound, reserved: claims.reserved.sorted(), claims: claims.count,
                reapIntervalSeconds: config.reapIntervalSeconds, reapGraceSeconds: config.claims.graceSeconds,
                reaped: claims.reapedTotal, proxyPort: runtime.proxyPort, dnsPort: runtime.dnsPort,
                dnsDomain: runtime.dnsPort == nil ? nil : config.dnsDomain, stacks: running, runs: agentRuns,
                commit: runtime.commit, binary: runtime.binary, fleets: await fleets.figures()))
    }

    @Sendable func diagnostics(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let dead = claims.statuses().filter { $0.state == .dead && !$0.claim.sticky }.map { $0.claim.identity.description }
        return try JSONResponse.make(
            DiagnosticsResponse(
                databaseIntegrity: try store.integrityCheck(), databasePath: runtime.configuration.environment.databasePath,
                walBytes: store.walSize(), deadClaims: dead))
    }
}
