extension Routes {
    // MARK: agent runs
    public static let spawn = APIRoute<SpawnRequest, SpawnResponse>(.post, "/spawn", "launch an agent run (202), or its dry run")
    public static let backends = APIRoute<NoBody, BackendsResponse>(.get, "/spawn/backends", "backends, models, rates, availability")
    public static let fleetModels = APIRoute<NoBody, BackendsResponse>(.get, "/fleet/models", "the backends (the seed's name)")
    public static let runs = APIRoute<NoBody, RunsResponse>(.get, "/runs", query: ["all", "project"], "agent runs, without task text")
    public static let run = APIRoute<NoBody, RunInfo>(.get, "/runs/:id", query: ["full"], "one run (full: task and result, trusted)")
    public static let runEvents = APIRoute<NoBody, EventStream>(
        .get, "/runs/:id/events", query: ["after"], "a run's output, usage, state and end as server-sent events")
    public static let runLogs = APIRoute<NoBody, RunLogsResponse>(.get, "/runs/:id/logs", query: ["lines"], "a run's last output lines")
    public static let killRun = APIRoute<NoBody, RunInfo>(.post, "/runs/:id/kill", "kill a run's whole process tree")
    public static let runUsage = APIRoute<UsageReport, NoBody>(.post, "/runs/:id/usage", "a custom agent reports its usage (run token)")

    // MARK: sorties
    public static let launchSortie = APIRoute<SpawnRequest, SortieInfo>(.post, "/sorties", "launch a sortie: a durable mission around one run")
    public static let sorties = APIRoute<NoBody, SortiesResponse>(.get, "/sorties", query: ["status"], "sorties, without task text")
    public static let sortie = APIRoute<NoBody, SortieInfo>(.get, "/sorties/:id", query: ["full"], "one sortie (full: task, outcome, log)")
    public static let sortieEvents = APIRoute<NoBody, EventStream>(
        .get, "/sorties/:id/events", query: ["after"], "a sortie's mission log as server-sent events")
    public static let abortSortie = APIRoute<NoBody, SortieInfo>(.post, "/sorties/:id/abort", "abort a sortie (kills its run)")

    static var runRoutes: [AnyAPIRoute] {
        [
            spawn.erased, backends.erased, fleetModels.erased, runs.erased, run.erased, runEvents.erased, runLogs.erased, killRun.erased,
            runUsage.erased, launchSortie.erased, sorties.erased, sortie.erased, sortieEvents.erased, abortSortie.erased,
        ]
    }
}
