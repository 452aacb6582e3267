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

    func stackViews() async -> [StackView] {
        var views: [StackView] = []
        for info in await stacks.list() {
            guard let feed = try? await stacks.feed(info.key) else { continue }
            var tails: [String: [StackEvent]] = [:]
            for service in info.services { tails[service.name] = feed.lines(service: service.name, limit: Self.tailLines) }
            views.append(StackView(stack: info, tails: tails))
        }
        return views
    }

    /// Stop or restart one service from the page (token-guarded like every dashboard action).
    func addStackActions(to router: Router<PDRequestContext>) {
        struct Target: Codable {
            var stack: String
            var service: String
        }
        router.post("/dashboard/stacks/stop") { request, context in
            try check(request)
            let body = try await request.decodeJSON(Target.self, context: context)
            let info = try await stacks.down(body.stack, services: [body.service])
            return try JSONResponse.make(info)
        }
        router.post("/dashboard/stacks/restart") { request, context in
            try check(request)
            let body = try await request.decodeJSON(Target.self, context: context)
            let info = try await stacks.restart(body.stack, services: [body.service])
            activity.record("service.restart", actor: "dashboard", subject: "\(body.stack)/\(body.service)", detail: "restart asked from the dashboard")
            return try JSONResponse.make(info)
        }
    }
}
