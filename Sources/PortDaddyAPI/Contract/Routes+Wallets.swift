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

    // MARK: the budget guard and the panic switch
    public static let pendingKills = APIRoute<NoBody, PendingKillsResponse>(
        .get, "/wallets/pending", "agent runs over their project's allowance, with their deadlines")
    public static let raisePending = APIRoute<WalletRaiseRequest, WalletInfo>(
        .post, "/wallets/pending/:run/raise", "raise the run's project's allowance for today (user's authority)")
    public static let killPending = APIRoute<NoBody, RunInfo>(.post, "/wallets/pending/:run/kill", "kill a pending run now (user's authority)")
    public static let gracePending = APIRoute<NoBody, PendingKillInfo>(
        .post, "/wallets/pending/:run/grace", "one more grace window for a pending run, twice at most (user's authority)")
    public static let panicState = APIRoute<NoBody, PanicResponse>(.get, "/fleet/panic", "the panic switch")
    public static let panic = APIRoute<PanicRequest, PanicResponse>(
        .post, "/fleet/panic", "arm the panic switch; with confirm, kill every agent run and refuse spawns (user's authority)")
    public static let unpanic = APIRoute<PanicRequest, PanicResponse>(.post, "/fleet/unpanic", "clear the panic switch (user's authority)")

    static var walletRoutes: [AnyAPIRoute] {
        [
            wallets.erased, wallet.erased, walletTopUp.erased, walletBudget.erased, bonds.erased, bond.erased, slashBond.erased, pendingKills.erased,
            raisePending.erased, killPending.erased, gracePending.erased, panicState.erased, panic.erased, unpanic.erased,
        ]
    }
}
