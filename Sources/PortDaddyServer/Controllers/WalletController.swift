import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Wallets and bonds. Reads are open; anything that moves money or changes a budget needs the user's authority.
struct WalletController: RouteController {
    let wallets: WalletService
    let userToken: String

    static let guarded = [
        "/wallets/{project}/top-up": "adding money to a wallet", "/wallets/{project}/budget": "changing a daily budget",
        "/bonds/{id}/slash": "slashing a bond",
    ]

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.wallets, use: list)
        routes.on(Routes.wallet, use: one)
        routes.on(Routes.bonds, use: bonds)
        routes.on(Routes.bond, use: bond)
        let guarded = routes.requiringUserAuthority(token: userToken, actions: Self.guarded)
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
        return try JSONResponse.make(try wallets.setBudget(context.parameter("project"), usdPerDay: body.usdPerDay.text, by: context.agent ?? "user"))
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
