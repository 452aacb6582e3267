extension Routes {
    // MARK: stacks
    public static let stacks = APIRoute<NoBody, StacksResponse>(.get, "/stacks", "running stacks")
    public static let stackUp = APIRoute<StackUpRequest, StackInfo>(.post, "/stacks/up", query: ["wait"], "start a stack")
    public static let stackEnvironment = APIRoute<StackEnvRequest, StackEnvResponse>(.post, "/stacks/env", "a stack's environment bundle")
    public static let stack = APIRoute<NoBody, StackInfo>(.get, "/stacks/:key", "one stack")
    public static let stackDown = APIRoute<StackServicesRequest, StackInfo>(.post, "/stacks/:key/down", "stop a stack or some services")
    public static let stackRestart = APIRoute<StackServicesRequest, StackInfo>(.post, "/stacks/:key/restart", "restart services")
    public static let stackLogs = APIRoute<NoBody, StackLogsResponse>(.get, "/stacks/:key/logs", query: ["service", "lines"], "recent output")
    public static let stackEvents = APIRoute<NoBody, EventStream>(
        .get, "/stacks/:key/events", query: ["after"], "the stack's feed as server-sent events")

    // MARK: dashboard
    public static let dashboardPage = APIRoute<NoBody, HTMLPage>(.get, "/", "the dashboard page")
    public static let dashboardState = APIRoute<NoBody, PageDocument>(.get, "/dashboard/state", "the dashboard's state snapshot")
    public static let dashboardEvents = APIRoute<NoBody, EventStream>(.get, "/dashboard/events", "the dashboard's live feed")
    public static let dashboardMemory = APIRoute<NoBody, PageDocument>(
        .get, "/dashboard/memory", "the Heat and Memory views' snapshot (file heat, harbors, memory tiers, episodes)")
    public static let dashboardRelease = APIRoute<ReleaseRequest, ReleaseResponse>(.post, "/dashboard/release", "release from the page")
    public static let dashboardInbox = APIRoute<DashboardInboxRequest, ChannelMessageInfo>(.post, "/dashboard/inbox", "send from the page")
    public static let dashboardGrant = APIRoute<NoBody, DashboardGrant>(.post, "/dashboard/grant", "a one-time code for pd dashboard")
    public static let dashboardRedeem = APIRoute<DashboardRedeemRequest, DashboardSession>(.post, "/dashboard/redeem", "a tab's session key")
    public static let dashboardStop = APIRoute<DashboardServiceTarget, StackInfo>(.post, "/dashboard/stacks/stop", "stop a service from the page")
    public static let dashboardRestart = APIRoute<DashboardServiceTarget, StackInfo>(
        .post, "/dashboard/stacks/restart", "restart a service from the page")
    public static let dashboardKillRun = APIRoute<DashboardRunTarget, RunInfo>(.post, "/dashboard/runs/kill", "kill an agent run from the page")

    static var stackRoutes: [AnyAPIRoute] {
        [
            stacks.erased, stackUp.erased, stackEnvironment.erased, stack.erased, stackDown.erased, stackRestart.erased,
            stackLogs.erased, stackEvents.erased,
        ]
    }

    static var dashboardRoutes: [AnyAPIRoute] {
        [
            dashboardPage.erased, dashboardState.erased, dashboardEvents.erased, dashboardMemory.erased, dashboardRelease.erased,
            dashboardInbox.erased,
            dashboardGrant.erased, dashboardRedeem.erased, dashboardStop.erased, dashboardRestart.erased, dashboardKillRun.erased,
        ]
    }
}
