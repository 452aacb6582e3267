import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

extension DashboardController {
    /// An agent run as the Runs view shows it: its public record (state, cost, tokens, display name) and, for a page
    /// with the user's authority, its last output lines.
    struct RunView: Encodable {
        var run: RunInfo
        var tail: [String]
    }

    /// How many runs the view lists (newest first), and how many of them carry their last lines.
    static let runsShown = 50
    static let runsWithTails = 10

    /// The runs of the last day and the ones going; output only with the user's authority (it may hold secrets,
    /// and any local user can load the page over TCP).
    func runViews(withTails: Bool) async -> [RunView] {
        let list = ((try? await runs.runs(all: false, project: nil)) ?? []).prefix(Self.runsShown)
        var views: [RunView] = []
        for (index, run) in list.enumerated() {
            let tail = withTails && index < Self.runsWithTails ? ((try? await runs.logs(run.id, count: Self.tailLines)) ?? []) : []
            views.append(RunView(run: run, tail: tail))
        }
        return views
    }

    /// `POST /dashboard/runs/kill {run}`: the page token and origin like every dashboard action, and the user's
    /// authority, like `POST /runs/{id}/kill`. Answers once the run's whole tree is gone.
    @Sendable func killRun(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try check(request)
        guard hasControl(request, context) else { throw PortDaddyError.dashboardLocked }
        let body = try await request.decodeJSON(DashboardRunTarget.self, context: context)
        return try JSONResponse.make(try await runs.kill(body.run))
    }
}
