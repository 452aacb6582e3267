import PortDaddyAPI

/// Claims, the daemon's own state, and the v1 routes.
extension PortDaddyClient {
    public func claim(_ request: ClaimRequest) throws(ClientError) -> ClaimResponse { try call(Routes.claim, body: request) }

    public func release(_ target: String) throws(ClientError) -> ReleaseResponse {
        try call(Routes.release, body: ReleaseRequest(id: target))
    }

    public func services(pattern: String? = nil) throws(ClientError) -> ServicesResponse {
        try call(Routes.services, query: [("pattern", pattern?.isEmpty == false ? pattern : nil)])
    }

    public func service(_ identity: String) throws(ClientError) -> ServiceInfo { try call(Routes.service, identity) }
    public func cleanup() throws(ClientError) -> CleanupResponse { try call(Routes.cleanup) }
    public func status() throws(ClientError) -> StatusResponse { try call(Routes.status) }
    public func diagnostics() throws(ClientError) -> DiagnosticsResponse { try call(Routes.diagnostics) }

    // MARK: v1

    public func health() throws(ClientError) -> V1HealthResponse { try call(Routes.health) }

    public func requestPort(_ request: V1PortRequest, pid: Int?) throws(ClientError) -> V1PortResponse {
        try call(Routes.v1Request, body: request, headers: pid.map { [(Headers.pid, String($0))] } ?? [])
    }

    public func releasePort(_ request: V1ReleaseRequest) throws(ClientError) -> V1ReleaseResponse { try call(Routes.v1Release, body: request) }
    public func activePorts() throws(ClientError) -> V1ActiveResponse { try call(Routes.v1Active) }
    public func v1Cleanup() throws(ClientError) -> CleanupResponse { try call(Routes.v1Cleanup) }
}
