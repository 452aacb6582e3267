import PortDaddyAPI

/// Fleets.
extension PortDaddyClient {
    public func fleets() throws(ClientError) -> FleetsResponse { try call(Routes.fleets) }
    public func fleetUp(_ project: String, _ request: FleetUpRequest) throws(ClientError) -> FleetInfo {
        try call(Routes.fleetUp, project, body: request)
    }
    public func fleetDown(_ project: String) throws(ClientError) -> FleetsResponse { try call(Routes.fleetDown, project) }
    public func fleetEnable(_ project: String, _ request: FleetUpRequest) throws(ClientError) -> FleetInfo {
        try call(Routes.fleetEnable, project, body: request)
    }
    public func fleetReload() throws(ClientError) -> FleetReloadResponse { try call(Routes.fleetReload) }
    public func fleetDisable(_ project: String) throws(ClientError) -> FleetsResponse { try call(Routes.fleetDisable, project) }
}
