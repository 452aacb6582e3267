import PortDaddyAPI

extension PortDaddyClient {
    /// Starts a stack; with `wait`, answers once every requested service is ready (or one failed).
    public func stackUp(_ request: StackUpRequest, wait: Bool) throws(ClientError) -> StackInfo {
        try call("POST", "/stacks/up" + (wait ? "?wait=true" : ""), body: request)
    }

    public func stackDown(_ key: String, services: [String] = []) throws(ClientError) -> StackInfo {
        try call("POST", "/stacks/\(Self.escape(key))/down", body: StackServicesRequest(services: services))
    }

    public func stackRestart(_ key: String, services: [String]) throws(ClientError) -> StackInfo {
        try call("POST", "/stacks/\(Self.escape(key))/restart", body: StackServicesRequest(services: services))
    }

    public func stacks() throws(ClientError) -> StacksResponse { try call("GET", "/stacks") }

    public func stack(_ key: String) throws(ClientError) -> StackInfo { try call("GET", "/stacks/\(Self.escape(key))") }

    public func stackLogs(_ key: String, service: String?, lines: Int) throws(ClientError) -> StackLogsResponse {
        var path = "/stacks/\(Self.escape(key))/logs?lines=\(lines)"
        if let service { path += "&service=\(Self.escapeQuery(service))" }
        return try call("GET", path)
    }

    public func stackEnvironment(_ request: StackEnvRequest) throws(ClientError) -> StackEnvResponse {
        try call("POST", "/stacks/env", body: request)
    }
}
