import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyRuns

/// Wallets, bonds, the budget guard's pending kills and the panic switch. Reads are open; anything that moves
/// money, changes a budget, kills or panics needs the user's authority.
struct WalletController: RouteController {
    let wallets: WalletService
    let runs: RunService
    let panic: PanicSwitch
    let userToken: String

    static let guarded = [
        "/wallets/{project}/top-up": "adding money to a wallet", "/wallets/{project}/budget": "changing a daily budget",
        "/bonds/{id}/slash": "slashing a bond", "/wallets/pending/{run}/raise": "raising an allowance",
        "/wallets/pending/{run}/kill": "killing an agent run", "/wallets/pending/{run}/grace": "extending a run's grace",
        "/fleet/panic": "the panic switch", "/fleet/unpanic": "the panic switch",
    ]

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.wallets, use: list)
        routes.on(Routes.wallet, use: one)
        routes.on(Routes.bonds, use: bonds)
        routes.on(Routes.bond, use: bond)
        routes.on(Routes.pendingKills, use: pending)
        routes.on(Routes.panicState, use: panicState)
        let guarded = routes.requiringUserAuthority(token: userToken, actions: Self.guarded)
        guarded.on(Routes.raisePending, use: raise)
        guarded.on(Routes.killPending, use: killNow)
        guarded.on(Routes.gracePending, use: grace)
        guarded.on(Routes.panic, use: firePanic)
        guarded.on(Routes.unpanic, use: unpanic)
        guarded.on(Routes.walletTopUp, use: topUp)
        guarded.on(Routes.walletBudget, use: budget)
        guarded.on(Routes.slashBond, use: slash)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(WalletsResponse(wallets: try wallets.wallets()))
    }

    @Sendable func one(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try wallets.wallet(context.parameter("project")))
    }

    @Sendable func topUp(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(WalletTopUpRequest.self, context: context)
        return try JSONResponse.make(try wallets.topUp(context.parameter("project"), usd: body.usd.text, by: context.agent ?? "user"))
    }

    @Sendable func budget(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(WalletBudgetRequest.self, context: context)
        let wallet = try wallets.setBudget(context.parameter("project"), usdPerDay: body.usdPerDay.text, by: context.agent ?? "user")
        // A lower budget may put running agents over it at once.
        await runs.guardBudget(of: wallet.project)
        return try JSONResponse.make(wallet)
    }

    @Sendable func pending(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(PendingKillsResponse(pending: await runs.pendingBudgetKills()))
    }

    @Sendable func raise(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(WalletRaiseRequest.self, context: context)
        return try JSONResponse.make(try await runs.raiseBudget(for: context.parameter("run"), usd: body.usd.text, by: context.agent ?? "user"))
    }

    @Sendable func killNow(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(try await runs.killPending(context.parameter("run")))
    }

    @Sendable func grace(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(try await runs.extendGrace(context.parameter("run")))
    }

    @Sendable func panicState(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let record = try panic.state()
        return try JSONResponse.make(
            PanicResponse(state: record.state, confirmBy: record.state == .armed ? record.confirmBy : nil, reason: record.reason))
    }

    @Sendable func firePanic(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(PanicRequest.self, context: context)
        return try JSONResponse.make(try await runs.workPanic(reason: body.reason, confirm: body.confirm == true, by: context.agent ?? "user"))
    }

    @Sendable func unpanic(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(PanicRequest.self, context: context)
        return try JSONResponse.make(try await runs.clearPanic(reason: body.reason, by: context.agent ?? "user"))
    }

    @Sendable func bonds(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        var state: BondState?
        if let raw = query.get("state") {
            guard let parsed = BondState(rawValue: String(raw)) else {
                throw PortDaddyError.invalidRequest("state \"\(raw)\" is not one of escrowed, refunded, slashed, held")
            }
            state = parsed
        }
        return try JSONResponse.make(BondsResponse(bonds: try wallets.bonds(project: query.get("project").map { String($0) }, state: state)))
    }

    @Sendable func bond(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try wallets.bond(context.parameter("id")))
    }

    @Sendable func slash(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(BondSlashRequest.self, context: context)
        return try JSONResponse.make(
            try wallets.slash(context.parameter("id"), portion: body.portion.text, reason: body.reason, by: context.agent ?? "user"))
    }
}
