import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyRuns

extension DashboardController {
    /// What the Fleet view shows to any page: the fleets (`GET /fleet`), every project wallet (spend today against
    /// the allowance, balance, reserved), the budget guard's pending kills and the panic switch. Nothing here is
    /// output or note text; acting on it needs the tab's key.
    struct FleetView: Encodable {
        var panic: PanicResponse
        var fleets: [FleetInfo]
        var wallets: [WalletInfo]
        var pending: [PendingKillInfo]
    }

    func fleetView() async -> FleetView {
        let record = try? panic.state()
        return FleetView(
            panic: PanicResponse(
                state: record?.state ?? .calm, confirmBy: record?.state == .armed ? record?.confirmBy : nil, reason: record?.reason),
            fleets: await fleets.status(), wallets: (try? wallets.wallets()) ?? [], pending: await runs.pendingBudgetKills())
    }

    /// The Fleet view's buttons: Raise, Kill and Grace on a pending kill, Panic (arm, then confirm) and Unpanic. Each
    /// needs the page token and origin like every dashboard action, and the user's authority (the tab's key from
    /// `pd dashboard`), like the `/wallets/pending/…` and `/fleet/panic` routes whose services they call.
    func addFleetActions(to routes: RouteCollection<PDRequestContext>) {
        routes.on(Routes.dashboardRaise, use: raisePending)
        routes.on(Routes.dashboardKillPending, use: killPending)
        routes.on(Routes.dashboardGrace, use: gracePending)
        routes.on(Routes.dashboardPanic, use: workPanic)
        routes.on(Routes.dashboardUnpanic, use: unpanic)
    }

    /// Refuses an action without the page token or without the user's authority.
    func requireControl(_ request: Request, _ context: PDRequestContext) throws {
        try check(request)
        guard hasControl(request, context) else { throw PortDaddyError.dashboardLocked }
    }

    @Sendable func raisePending(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try requireControl(request, context)
        let body = try await request.decodeJSON(DashboardRaiseRequest.self, context: context)
        return try JSONResponse.make(try await runs.raiseBudget(for: body.run, usd: body.usd.text, by: Self.actor))
    }

    @Sendable func killPending(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try requireControl(request, context)
        let body = try await request.decodeJSON(DashboardRunTarget.self, context: context)
        return try JSONResponse.make(try await runs.killPending(body.run))
    }

    @Sendable func gracePending(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try requireControl(request, context)
        let body = try await request.decodeJSON(DashboardRunTarget.self, context: context)
        return try JSONResponse.make(try await runs.extendGrace(body.run))
    }

    @Sendable func workPanic(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try requireControl(request, context)
        let body = try await request.decodeJSON(PanicRequest.self, context: context)
        return try JSONResponse.make(try await runs.workPanic(reason: body.reason, confirm: body.confirm == true, by: Self.actor))
    }

    @Sendable func unpanic(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try requireControl(request, context)
        let body = try await request.decodeJSON(PanicRequest.self, context: context)
        return try JSONResponse.make(try await runs.clearPanic(reason: body.reason, by: Self.actor))
    }
}
