extension Routes {
    // MARK: wallets and bonds
    public static let wallets = APIRoute<NoBody, WalletsResponse>(.get, "/wallets", "every project wallet: balance, daily budget, spend")
    public static let wallet = APIRoute<NoBody, WalletInfo>(.get, "/wallets/:project", "one project's wallet")
    public static let walletTopUp = APIRoute<WalletTopUpRequest, WalletInfo>(
        .post, "/wallets/:project/top-up", "add money to a project's wallet (user's authority)")
    public static let walletBudget = APIRoute<WalletBudgetRequest, WalletInfo>(
        .post, "/wallets/:project/budget", "set a project's daily budget (user's authority)")
    public static let bonds = APIRoute<NoBody, BondsResponse>(.get, "/bonds", query: ["project", "state"], "bonds escrowed for agent runs")
    public static let bond = APIRoute<NoBody, BondInfo>(.get, "/bonds/:id", "one bond")
    public static let slashBond = APIRoute<BondSlashRequest, BondInfo>(
        .post, "/bonds/:id/slash", "keep a portion of a bond, with a reason (user's authority)")

    static var walletRoutes: [AnyAPIRoute] {
        [wallets.erased, wallet.erased, walletTopUp.erased, walletBudget.erased, bonds.erased, bond.erased, slashBond.erased]
    }
}
