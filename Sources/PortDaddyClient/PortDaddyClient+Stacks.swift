import PortDaddyAPI

/// Stacks and the dashboard's grant.
extension PortDaddyClient {
    /// Starts a stack; with `wait`, answers once every requested service is ready (or one failed).
    public func stackUp(_ request: StackUpRequest, wait: Bool) throws(ClientError) -> StackInfo {
        try call(Routes.stackUp, query: [("wait", wait ? "true" : nil)], body: request)
    }

    public func stackDown(_ key: String, services: [String] = []) throws(ClientError) -> StackInfo {
        try call(Routes.stackDown, key, body: StackServicesRequest(services: services))
    }

    public func stackRestart(_ key: String, services: [String]) throws(ClientError) -> StackInfo {
        try call(Routes.stackRestart, key, body: StackServicesRequest(services: services))
    }

    public func stacks() throws(ClientError) -> StacksResponse { try call(Routes.stacks) }
    public func stack(_ key: String) throws(ClientError) -> StackInfo { try call(Routes.stack, key) }

    public func stackLogs(_ key: String, service: String?, lines: Int) throws(ClientError) -> StackLogsResponse {
        try call(Routes.stackLogs, key, query: [("lines", String(lines)), ("service", service)])
    }

    public func stackEnvironment(_ request: StackEnvRequest) throws(ClientError) -> StackEnvResponse {
        try call(Routes.stackEnvironment, body: request)
    }

    /// The SSE path of a stack's feed.
    public static func stackStreamPath(_ key: String) -> String { streamPath(Routes.stackEvents, key) }

    /// A one-time code that opens the dashboard with the user's authority.
    public func dashboardGrant() throws(ClientError) -> DashboardGrant { try call(Routes.dashboardGrant) }
}
