import PortDaddyAPI

/// Run metrics: counters, golden signals, cost. Windows are durations such as `24h`; filters `backend:codex`.
extension PortDaddyClient {
    public func metricCounters(_ key: MetricKey, groupBy: MetricBucket? = nil, since: String? = nil, filters: [String] = [])
        throws(ClientError) -> MetricSeriesResponse
    {
        try call(
            Routes.metricCounters,
            query: [
                ("key", key.rawValue), ("groupBy", groupBy?.rawValue), ("since", since),
                ("dim", filters.isEmpty ? nil : filters.joined(separator: ",")),
            ])
    }

    public func metricTop(_ key: MetricKey, dim: MetricDimension, n: Int? = nil, since: String? = nil) throws(ClientError) -> MetricTopResponse {
        try call(Routes.metricTop, query: [("key", key.rawValue), ("dim", dim.rawValue), ("n", n.map(String.init)), ("since", since)])
    }

    public func goldenSignals(window: String? = nil) throws(ClientError) -> GoldenSignals {
        try call(Routes.metricGolden, query: [("window", window)])
    }

    public func costReport(since: String? = nil) throws(ClientError) -> CostReport { try call(Routes.metricCost, query: [("since", since)]) }

    /// A project's spend today against `budgetUsdPerDay` (required by the daemon).
    public func budgetCheck(_ project: String, budgetUsdPerDay: String) throws(ClientError) -> BudgetCheck {
        try call(Routes.metricBudget, project, query: [("budgetUsdPerDay", budgetUsdPerDay)])
    }

    public func recentCost(limit: Int? = nil) throws(ClientError) -> RecentCostResponse {
        try call(Routes.metricRecentCost, query: [("limit", limit.map(String.init))])
    }
}
