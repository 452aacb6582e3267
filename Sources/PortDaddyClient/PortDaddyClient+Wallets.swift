import PortDaddyAPI

/// Wallets and bonds.
extension PortDaddyClient {
    public func wallets() throws(ClientError) -> WalletsResponse { try call(Routes.wallets) }
    public func wallet(_ project: String) throws(ClientError) -> WalletInfo { try call(Routes.wallet, project) }

    public func topUp(_ project: String, usd: String) throws(ClientError) -> WalletInfo {
        try call(Routes.walletTopUp, project, body: WalletTopUpRequest(usd: USDText(usd)))
    }

    public func setBudget(_ project: String, usdPerDay: String) throws(ClientError) -> WalletInfo {
        try call(Routes.walletBudget, project, body: WalletBudgetRequest(usdPerDay: USDText(usdPerDay)))
    }

    public func bonds(project: String?, state: String?) throws(ClientError) -> BondsResponse {
        try call(Routes.bonds, query: [("project", project), ("state", state)])
    }

    public func slashBond(_ id: String, portion: String, reason: String) throws(ClientError) -> BondInfo {
        try call(Routes.slashBond, id, body: BondSlashRequest(portion: USDText(portion), reason: reason))
    }
}

/// The budget guard and the panic switch.
extension PortDaddyClient {
    public func pendingKills() throws(ClientError) -> PendingKillsResponse { try call(Routes.pendingKills) }

    public func raise(run: String, usd: String) throws(ClientError) -> WalletInfo {
        try call(Routes.raisePending, run, body: WalletRaiseRequest(usd: USDText(usd)))
    }

    public func killPending(_ run: String) throws(ClientError) -> RunInfo { try call(Routes.killPending, run) }
    public func extendGrace(_ run: String) throws(ClientError) -> PendingKillInfo { try call(Routes.gracePending, run) }
    public func panicState() throws(ClientError) -> PanicResponse { try call(Routes.panicState) }

    public func panic(reason: String, confirm: Bool) throws(ClientError) -> PanicResponse {
        try call(Routes.panic, body: PanicRequest(reason: reason, confirm: confirm ? true : nil))
    }

    public func unpanic(reason: String) throws(ClientError) -> PanicResponse { try call(Routes.unpanic, body: PanicRequest(reason: reason)) }
}
