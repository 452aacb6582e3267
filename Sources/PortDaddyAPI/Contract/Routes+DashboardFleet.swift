extension Routes {
    // MARK: the dashboard's Fleet view (page token, same origin, and the user's authority: the tab's key)
    public static let dashboardRaise = APIRoute<DashboardRaiseRequest, WalletInfo>(
        .post, "/dashboard/fleet/raise", "raise a pending run's project allowance for today from the page")
    public static let dashboardKillPending = APIRoute<DashboardRunTarget, RunInfo>(
        .post, "/dashboard/fleet/kill", "kill a run waiting on its budget from the page")
    public static let dashboardGrace = APIRoute<DashboardRunTarget, PendingKillInfo>(
        .post, "/dashboard/fleet/grace", "one more grace window for a pending run from the page")
    public static let dashboardPanic = APIRoute<PanicRequest, PanicResponse>(
        .post, "/dashboard/fleet/panic", "arm the panic switch from the page; with confirm, fire it")
    public static let dashboardUnpanic = APIRoute<PanicRequest, PanicResponse>(
        .post, "/dashboard/fleet/unpanic", "clear the panic switch from the page")

    static var dashboardFleetRoutes: [AnyAPIRoute] {
        [dashboardRaise.erased, dashboardKillPending.erased, dashboardGrace.erased, dashboardPanic.erased, dashboardUnpanic.erased]
    }
}
