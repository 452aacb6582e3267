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

    /// Whether the request carries the user's token (`X-PD-Token`).
    func hasUserToken(_ request: Request) -> Bool {
        guard let token = request.headers[.pdToken] else { return false }
        return StackController.constantTimeEqual(token, userToken)
    }

    /// Stop or restart one service from the page: the page token and origin like every dashboard action, and the
    /// user's token, like the stack routes (restarting runs a command).
    func addStackActions(to router: Router<PDRequestContext>) {
        struct Target: Codable {
            var stack: String
            var service: String
        }
        router.post("/dashboard/stacks/stop") { request, context in
            try check(request)
            guard hasUserToken(request) else { throw PortDaddyError.untrustedCaller("controlling a stack from the dashboard (open it with pd dashboard)") }
            let body = try await request.decodeJSON(Target.self, context: context)
            let info = try await stacks.down(body.stack, services: [body.service])
            return try JSONResponse.make(info)
        }
        router.post("/dashboard/stacks/restart") { request, context in
            try check(request)
            guard hasUserToken(request) else { throw PortDaddyError.untrustedCaller("controlling a stack from the dashboard (open it with pd dashboard)") }
            let body = try await request.decodeJSON(Target.self, context: context)
            let info = try await stacks.restart(body.stack, services: [body.service])
            activity.record("service.restart", actor: "dashboard", subject: "\(body.stack)/\(body.service)", detail: "restart asked from the dashboard")
            return try JSONResponse.make(info)
        }
    }
}
