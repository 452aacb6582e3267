import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// The `pd` claim routes: `POST /claim`, `DELETE /release`, `GET /services[/{id}]`, `POST /cleanup`. Each
/// handler makes one call into ``ClaimService``, which records the change and owns the state rule.
struct ClaimController: RouteController {
    let claims: ClaimService
    /// Told about a claim over the socket that names a PID (not the caller's business otherwise).
    let arbiter: Arbiter?

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.claim, use: claim)
        routes.on(Routes.release, use: release)
        routes.on(Routes.services, use: list)
        routes.on(Routes.service, use: one)
        routes.on(Routes.cleanup, use: cleanup)
        return routes
    }

    @Sendable func claim(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ClaimRequest.self, context: context)
        let pid = try body.pid ?? PID(header: request.headers[HTTPField.Name.pdPID])
        let command = ClaimCommand(
            identity: body.id, port: body.port?.value, fallback: body.fallback ?? false, pid: pid?.value,
            ttlSeconds: body.expires?.seconds, sticky: body.sticky ?? false)
        let report = try claims.claimReporting(command, by: context.agent)
        if let named = pid?.value, let arbiter, let caller = await PeerProcess.pid(of: context) {
            arbiter.namedPID(named, caller: caller, what: "claim of \(body.id)", agent: context.agent)
        }
        return try JSONResponse.make(ClaimResponse(report), status: report.outcome.existing ? .ok : .created)
    }

    @Sendable func release(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ReleaseRequest.self, context: context)
        let released = try claims.release(body.id, by: context.agent)
        return try JSONResponse.make(ReleaseResponse(released, target: body.id))
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        var pattern: IdentityPattern?
        if let raw = request.uri.queryParameters.get("pattern"), !raw.isEmpty {
            do { pattern = try IdentityPattern(parsing: raw) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        }
        return try JSONResponse.make(ServicesResponse(services: claims.statuses(matching: pattern).map(ServiceInfo.init)))
    }

    @Sendable func one(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let raw = context.parameter("id")
        let identity: Identity
        do { identity = try Identity(parsing: raw) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        guard let status = claims.status(of: identity) else {
            throw PortDaddyError.notFound("no claim for \(identity); claim one with pd claim \(identity)")
        }
        return try JSONResponse.make(ServiceInfo(status))
    }

    @Sendable func cleanup(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(CleanupResponse(try claims.reap()))
    }
}
