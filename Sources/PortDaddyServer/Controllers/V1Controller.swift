import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// The v1 routes of the first Port Daddy README, with their request and response shapes.
struct V1Controller: RouteController {
    let claims: ClaimService
    /// The note on the activity records of v1 claims and releases.
    static let note = "v1"

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.v1Request, use: requestPort)
        routes.on(Routes.v1Release, use: release)
        routes.on(Routes.v1Active, use: active)
        routes.on(Routes.v1Cleanup, use: cleanup)
        return routes
    }

    @Sendable func cleanup(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(CleanupResponse(try claims.reap()))
    }

    @Sendable func requestPort(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(V1PortRequest.self, context: context)
        // v1 clients send `X-PID: $$` literally from the README's own example; an unparseable header means
        // "no owner" rather than an error, as it did in v1.
        let pid = request.headers[HTTPField.Name.pdPID].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let command = try ClaimCommand.validated(
            id: V1Names.identity(fromProject: body.project), port: body.preferred?.value, fallback: true, pid: pid,
            ttlSeconds: nil, sticky: nil)
        let outcome = try claims.claim(command, note: Self.note)
        return try JSONResponse.make(V1PortResponse(outcome, preferred: body.preferred?.value))
    }

    @Sendable func release(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(V1ReleaseRequest.self, context: context)
        if let port = body.port {
            let released = try claims.release(String(port.value), note: Self.note)
            return try JSONResponse.make(V1ReleaseResponse(success: true, message: "released \(released.count) port(s) on port \(port)"))
        }
        guard let project = body.project else {
            throw PortDaddyError.invalidRequest("send {\"project\": \"name\"} or {\"port\": 3100}")
        }
        let released = try claims.release(V1Names.identity(fromProject: project), note: Self.note)
        return try JSONResponse.make(V1ReleaseResponse(success: true, message: "released \(released.count) port(s) for project \(project)"))
    }

    @Sendable func active(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let rows = claims.statuses().map { status -> V1ActivePort in
            let c = status.claim
            return V1ActivePort(
                port: c.port, project: c.identity.description, pid: c.pid.map(Int.init), started: c.claimedAt,
                lastSeen: c.lastSeenAt, alive: status.ownerAlive || status.listening,
                ageMinutes: Int((now - c.claimedAt) / 60_000), startedAt: V1Names.iso8601(c.claimedAt),
                lastSeenAt: V1Names.iso8601(c.lastSeenAt))
        }
        return try JSONResponse.make(V1ActiveResponse(ports: rows))
    }
}
