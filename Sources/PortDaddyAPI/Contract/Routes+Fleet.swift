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

    public static let fleetEvents = APIRoute<NoBody, EventStream>(
        .get, "/fleet/events", query: ["project", "after", "attach"],
        "fleet lifecycle events (SSE view of channel fleet:events, Last-Event-ID replay); attach= keeps a foreground fleet alive")
    public static let fleetPrompt = APIRoute<NoBody, PlainText>(
        .get, "/fleet/prompt", query: ["project"], "one text/plain line for a shell prompt: running, queued, spend against allowance")
    public static let fleetConfig = APIRoute<NoBody, FleetConfigFile>(
        .get, "/fleet/config/:project", "the running fleet's pd-fleet.yml, its sha256 and problems (user's authority)")
    public static let fleetConfigWrite = APIRoute<FleetConfigWrite, FleetConfigFile>(
        .put, "/fleet/config/:project", "replace pd-fleet.yml (If-Match: sha256; 412 if it changed, 422 if invalid) and reload (user's authority)")

    static var fleetRoutes: [AnyAPIRoute] {
        [
            fleets.erased, fleetUp.erased, fleetDown.erased, fleetEnable.erased, fleetDisable.erased, fleetReload.erased, fleetEvents.erased,
            fleetPrompt.erased, fleetConfig.erased, fleetConfigWrite.erased,
        ]
    }
}
