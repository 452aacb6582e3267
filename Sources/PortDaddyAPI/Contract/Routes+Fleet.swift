extension Routes {
    // MARK: fleets
    public static let fleets = APIRoute<NoBody, FleetsResponse>(.get, "/fleet", "running fleets, their agents and queues, the panic state")
    public static let fleetUp = APIRoute<FleetUpRequest, FleetInfo>(
        .post, "/fleet/:project/up", "start the project's pd-fleet.yml from its folder (user's authority)")
    public static let fleetDown = APIRoute<NoBody, FleetsResponse>(.post, "/fleet/:project/down", "stop the project's fleet (user's authority)")

    static var fleetRoutes: [AnyAPIRoute] { [fleets.erased, fleetUp.erased, fleetDown.erased] }
}
