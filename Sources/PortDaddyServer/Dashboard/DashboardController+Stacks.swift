import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

extension DashboardController {
    /// A stack as the Stacks view shows it: its services and the last lines of each.
    struct StackView: Encodable {
        var stack: StackInfo
        /// The last few lines (output and supervisor lines) per service.
        var tails: [String: [StackEvent]]
    }

    static let tailLines = 6

    /// Every stack; the last lines of output only for a page that has the user's token (output may hold secrets,
    /// and any local user can load the page over TCP).
    func stackViews(withTails: Bool) async -> [StackView] {
        var views: [StackView] = []
        for info in await stacks.list() {
            guard let feed = try? await stacks.feed(info.key) else { continue }
            var tails: [String: [StackEvent]] = [:]
            if withTails {
                for service in info.services { tails[service.name] = feed.lines(service: service.name, limit: Self.tailLines) }
            }
            views.append(StackView(stack: info, tails: tails))
        }
        return views
    }

    /// Whether the request acts with the user's authority: over the Unix socket, or carrying (`X-PD-Token`) the
    /// user's token or a tab session key from a `pd dashboard` code.
    func hasControl(_ request: Request, _ context: PDRequestContext) -> Bool {
        if context.hasUserAuthority { return true }
        guard let key = request.headers[.pdToken] else { return false }
        return grants.isSession(key, now: SystemWallClock().nowMillis())
    }
    /// One service of one stack, as the page names it.

    /// `POST /dashboard/grant` (socket or the user's token; a tab's key cannot mint more): a one-time code for
    /// `pd dashboard` to open the page with; `POST /dashboard/redeem {code}` (page token and origin): the tab's
    /// session key.
    func addGrantRoutes(to routes: RouteCollection<PDRequestContext>) {
        routes.requiringUserAuthority(token: userToken, actions: ["/dashboard/grant": "a dashboard code"])
            .on(Routes.dashboardGrant, use: grant)
        routes.on(Routes.dashboardRedeem, use: redeem)
    }

    @Sendable func grant(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let code = grants.issueCode(now: SystemWallClock().nowMillis())
        return try JSONResponse.make(DashboardGrant(code: code, expiresInSeconds: Int(DashboardGrants.codeLifetimeMillis / 1000)), status: .created)
    }

    @Sendable func redeem(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try check(request)
        let body = try await request.decodeJSON(DashboardRedeemRequest.self, context: context)
        guard let session = grants.redeem(body.code, now: SystemWallClock().nowMillis()) else {
            throw PortDaddyError.notFound("this code is unknown, used or expired; run pd dashboard again")
        }
        return try JSONResponse.make(DashboardSession(session: session))
    }

    /// Stop or restart one service from the page: the page token and origin like every dashboard action, and the
    /// user's token, like the stack routes (restarting runs a command).
    func addStackActions(to routes: RouteCollection<PDRequestContext>) {
        routes.on(Routes.dashboardStop, use: stopService)
        routes.on(Routes.dashboardRestart, use: restartService)
    }

    /// The service a stack action names, once the page token and the user's authority are checked.
    func target(_ request: Request, _ context: PDRequestContext) async throws -> DashboardServiceTarget {
        try check(request)
        guard hasControl(request, context) else { throw PortDaddyError.dashboardLocked }
        return try await request.decodeJSON(DashboardServiceTarget.self, context: context)
    }

    @Sendable func stopService(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await target(request, context)
        return try JSONResponse.make(try await stacks.down(body.stack, services: [body.service]))
    }

    @Sendable func restartService(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await target(request, context)
        return try JSONResponse.make(try await stacks.restart(body.stack, services: [body.service], by: Self.actor))
    }
}
