extension Routes {
    // MARK: metrics (open-read, computed from the durable runs and cost events)
    public static let metricCounters = APIRoute<NoBody, MetricSeriesResponse>(
        .get, "/metrics/counters", query: ["key", "groupBy", "since", "dim"], "a run counter in time buckets, optionally filtered")
    public static let metricTop = APIRoute<NoBody, MetricTopResponse>(
        .get, "/metrics/counters/top", query: ["key", "dim", "n", "since"], "a run counter's largest values of one dimension")
    public static let metricGolden = APIRoute<NoBody, GoldenSignals>(
        .get, "/metrics/golden", query: ["window"], "rate, error percentage, mean duration and spend per hour of agent runs")
    public static let metricCost = APIRoute<NoBody, CostReport>(
        .get, "/metrics/cost", query: ["since"], "money spent, in all and by project, backend and model")
    public static let metricBudget = APIRoute<NoBody, BudgetCheck>(
        .get, "/metrics/cost/budget/:project", query: ["budgetUsdPerDay"], "a project's spend today against a daily ceiling")
    public static let metricRecentCost = APIRoute<NoBody, RecentCostResponse>(
        .get, "/metrics/cost/recent", query: ["limit"], "the newest cost events")

    static var metricRoutes: [AnyAPIRoute] {
        [metricCounters.erased, metricTop.erased, metricGolden.erased, metricCost.erased, metricBudget.erased, metricRecentCost.erased]
    }
}
