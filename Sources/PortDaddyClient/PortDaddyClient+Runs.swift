import PortDaddyAPI

/// Agent runs.
extension PortDaddyClient {
    /// Launches a run (answers at once with the run), or returns a dry run's checklist.
    public func spawn(_ request: SpawnRequest) throws(ClientError) -> SpawnResponse { try call(Routes.spawn, body: request) }

    public func backends() throws(ClientError) -> BackendsResponse { try call(Routes.backends) }

    public func runs(all: Bool, project: String?) throws(ClientError) -> RunsResponse {
        try call(Routes.runs, query: [("all", all ? "true" : nil), ("project", project)])
    }

    /// One run by run id or agent id; `full` adds its task and result (needs the user's authority).
    public func run(_ id: String, full: Bool = false) throws(ClientError) -> RunInfo {
        try call(Routes.run, id, query: [("full", full ? "true" : nil)])
    }

    public func runLogs(_ id: String, lines: Int) throws(ClientError) -> RunLogsResponse {
        try call(Routes.runLogs, id, query: [("lines", String(lines))])
    }

    public func killRun(_ id: String) throws(ClientError) -> RunInfo { try call(Routes.killRun, id) }

    /// Reports a custom agent's cumulative usage with its run token.
    public func reportUsage(_ report: UsageReport, run: String, token: String) throws(ClientError) {
        let _: NoBody = try call(Routes.runUsage, run, body: report, headers: [("X-PD-Run-Token", token)])
    }

    /// The SSE path of a run's feed.
    public static func runStreamPath(_ id: String) -> String { streamPath(Routes.runEvents, id) }
}

/// Sorties.
extension PortDaddyClient {
    public func launchSortie(_ request: SpawnRequest) throws(ClientError) -> SortieInfo { try call(Routes.launchSortie, body: request) }

    public func sorties(status: String?) throws(ClientError) -> SortiesResponse { try call(Routes.sorties, query: [("status", status)]) }

    public func sortie(_ id: String, full: Bool = false) throws(ClientError) -> SortieInfo {
        try call(Routes.sortie, id, query: [("full", full ? "true" : nil)])
    }

    public func abortSortie(_ id: String) throws(ClientError) -> SortieInfo { try call(Routes.abortSortie, id) }

    /// The SSE path of a sortie's mission log.
    public static func sortieStreamPath(_ id: String) -> String { streamPath(Routes.sortieEvents, id) }
}
