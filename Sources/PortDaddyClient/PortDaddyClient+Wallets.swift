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
