extension Routes {
    // MARK: fleets
    public static let fleets = APIRoute<NoBody, FleetsResponse>(.get, "/fleet", "running fleets, their agents and queues, the panic state")
    public static let fleetUp = APIRoute<FleetUpRequest, FleetInfo>(
        .post, "/fleet/:project/up", "start the project's pd-fleet.yml from its folder (user's authority)")
    public static let fleetDown = APIRoute<NoBody, FleetsResponse>(.post, "/fleet/:project/down", "stop the project's fleet (user's authority)")

    public static let fleetEnable = APIRoute<FleetUpRequest, FleetInfo>(
        .post, "/fleet/:project/enable", "start the fleet and start it again at every daemon start (user's authority)")
    public static let fleetDisable = APIRoute<NoBody, FleetsResponse>(
        .post, "/fleet/:project/disable", "stop the fleet and forget it (user's authority)")

    public static let fleetReload = APIRoute<NoBody, FleetReloadResponse>(
        .post, "/fleet/reload", "read every running fleet's pd-fleet.yml again now (user's authority; SIGHUP does the same)")

    static var fleetRoutes: [AnyAPIRoute] {
        [fleets.erased, fleetUp.erased, fleetDown.erased, fleetEnable.erased, fleetDisable.erased, fleetReload.erased]
    }
}
