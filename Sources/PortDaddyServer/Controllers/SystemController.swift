import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// `GET /health` (v1 shape), `GET /status` and `GET /diagnostics`.
struct SystemController {
    let claims: ClaimService
    let store: any ClaimStore
    let runtime: ServerRuntime

    func addRoutes(to router: Router<PDRequestContext>) {
        router.get(RouterPath(Routes.health)) { _, _ in try health() }
        router.get(RouterPath(Routes.status)) { _, _ in try status() }
        router.get(RouterPath(Routes.diagnostics)) { _, _ in try diagnostics() }
    }

    var uptime: Int { Int((SystemWallClock().nowMillis() - runtime.startedAt) / 1000) }

    func health() throws -> Response {
        try JSONResponse.make(
            V1HealthResponse(
                status: "ok", uptimeSeconds: uptime, activePorts: claims.count, pid: Int(getpid()),
                version: PortDaddyVersion.current))
    }

    func status() throws -> Response {
        let config = runtime.configuration
        return try JSONResponse.make(
            StatusResponse(
                status: "ok", version: PortDaddyVersion.current, pid: Int(getpid()), uptimeSeconds: uptime,
                home: config.environment.home, socket: config.environment.socketPath, tcpHost: config.tcpHost,
                tcpPort: runtime.tcpPort, rangeStart: config.claims.range.lowerBound,
                rangeEnd: config.claims.range.upperBound, reserved: claims.reserved.sorted(), claims: claims.count,
                reapIntervalSeconds: config.reapIntervalSeconds, reapGraceSeconds: config.claims.graceSeconds,
                reaped: claims.reapedTotal))
    }

    func diagnostics() throws -> Response {
        let dead = claims.statuses().filter { $0.state == .dead && !$0.claim.sticky }.map { $0.claim.identity.description }
        return try JSONResponse.make(
            DiagnosticsResponse(
                databaseIntegrity: try store.integrityCheck(), databasePath: runtime.configuration.environment.databasePath,
                walBytes: store.walSize(), deadClaims: dead))
    }
}
