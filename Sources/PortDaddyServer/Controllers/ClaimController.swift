import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// The `pd` claim routes: `POST /claim`, `DELETE /release`, `GET /services[/{id}]`, `POST /cleanup`.
struct ClaimController {
    let claims: ClaimService
    let processes: any ProcessProber
    let ports: any PortProber
    let activity: ActivityLog

    func addRoutes(to router: Router<PDRequestContext>) {
        router.post(RouterPath(Routes.claim.template)) { request, context in try await claim(request, context) }
        router.delete(RouterPath(Routes.release.template)) { request, context in try await release(request, context) }
        router.get(RouterPath(Routes.services.template)) { request, _ in try list(request) }
        router.get(RouterPath(Routes.service.template)) { _, context in try one(context) }
        router.post("/cleanup") { _, _ in try JSONResponse.make(CleanupResponse(try claims.reapRecording(activity))) }
    }

    func claim(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ClaimRequest.self, context: context)
        let pid = try body.pid ?? PID(header: request.headers[HTTPField.Name.pdPID])
        let command = ClaimCommand(
            identity: body.id, port: body.port?.value, fallback: body.fallback ?? false, pid: pid?.value,
            ttlSeconds: body.expires?.seconds, sticky: body.sticky ?? false)
        let outcome = try claims.claim(command)
        let c = outcome.claim
        if !outcome.existing { activity.record("claim", actor: request.headers[AgentTouchMiddleware.header], subject: c.identity.description, detail: "port \(c.port)") }
        // A new claim's port was just verified free, so only an existing claim can be listening; a bind test
        // tells that without reading the whole socket table on the hot path.
        let state: ClaimState
        if outcome.existing && !ports.isFree(c.port) {
            state = .listening
        } else {
            state = processes.isAlive(pid: c.pid, start: c.pidStart) ? .assigned : .dead
        }
        let response = ClaimResponse(
            id: c.identity.description, port: c.port, existing: outcome.existing, state: state,
            pid: c.pid.map(Int.init), sticky: c.sticky, expiresAt: c.expiresAt, message: outcome.message)
        return try JSONResponse.make(response, status: outcome.existing ? .ok : .created)
    }

    func release(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ReleaseRequest.self, context: context)
        let released = try claims.release(body.id)
        for claim in released {
            activity.record("claim.release", actor: request.headers[AgentTouchMiddleware.header], subject: claim.identity.description, detail: "port \(claim.port)")
        }
        let message = released.isEmpty ? "nothing held matches \(body.id)" : "released \(released.count) claim(s)"
        return try JSONResponse.make(
            ReleaseResponse(released: released.map { ReleasedClaim(id: $0.identity.description, port: $0.port, reason: "released") }, message: message))
    }

    func list(_ request: Request) throws -> Response {
        var pattern: IdentityPattern?
        if let raw = request.uri.queryParameters.get("pattern"), !raw.isEmpty {
            do { pattern = try IdentityPattern(parsing: raw) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        }
        return try JSONResponse.make(ServicesResponse(services: claims.statuses(matching: pattern).map(ServiceInfo.init)))
    }

    func one(_ context: PDRequestContext) throws -> Response {
        let raw = context.parameters.get("id").map { $0.removingPercentEncoding ?? $0 } ?? ""
        let identity: Identity
        do { identity = try Identity(parsing: raw) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        guard let status = claims.status(of: identity) else {
            throw PortDaddyError.notFound("no claim for \(identity); claim one with pd claim \(identity)")
        }
        return try JSONResponse.make(ServiceInfo(status))
    }
}
