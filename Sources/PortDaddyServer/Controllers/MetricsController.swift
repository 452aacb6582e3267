import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyRuns

/// `/metrics/*`: run counters, golden signals and cost, open to read (names, states and money, never a task or
/// output). Each handler reads its query values — a bad one is a 400 naming what is accepted — and asks ``RunMetrics``.
struct MetricsController: RouteController {
    let metrics: RunMetrics

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.metricCounters, use: counters)
        routes.on(Routes.metricTop, use: top)
        routes.on(Routes.metricGolden, use: golden)
        routes.on(Routes.metricCost, use: cost)
        routes.on(Routes.metricBudget, use: budget)
        routes.on(Routes.metricRecentCost, use: recent)
        return routes
    }

    @Sendable func counters(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = MetricsQuery(request)
        return try JSONResponse.make(
            try metrics.series(
                try query.key(), by: try query.choice("groupBy", default: .minute), seconds: try query.window("since", default: 86400),
                filters: try query.filters()))
    }

    @Sendable func top(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = MetricsQuery(request)
        guard query.has("dim") else { throw PortDaddyError.invalidRequest("give ?dim= one of \(MetricsQuery.names(MetricDimension.self))") }
        return try JSONResponse.make(
            try metrics.top(
                try query.key(), by: try query.choice("dim", default: .backend), limit: try query.count("n", default: 10, max: 1000),
                seconds: try query.window("since", default: 86400)))
    }

    @Sendable func golden(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try metrics.golden(seconds: try MetricsQuery(request).window("window", default: 3600)))
    }

    @Sendable func cost(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try metrics.cost(seconds: try MetricsQuery(request).window("since", default: 86400)))
    }

    @Sendable func budget(_ request: Request, _ context: PDRequestContext) throws -> Response {
        guard let ceiling = MetricsQuery(request).value("budgetUsdPerDay"), !ceiling.isEmpty else {
            throw PortDaddyError.invalidRequest("give the daily ceiling: ?budgetUsdPerDay=USD")
        }
        return try JSONResponse.make(try metrics.budget(project: context.parameter("project"), ceilingUsd: ceiling))
    }

    @Sendable func recent(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try metrics.recent(limit: try MetricsQuery(request).count("limit", default: 20, max: 1000)))
    }
}

/// The query values of a metrics request, each checked: a value that is present but not understood is refused.
struct MetricsQuery {
    let parameters: Parameters

    init(_ request: Request) { parameters = request.uri.queryParameters }

    func has(_ name: String) -> Bool { parameters.get(name) != nil }

    func value(_ name: String) -> String? { parameters.get(name).map { String($0) } }

    static func names<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> String where T.RawValue == String {
        T.allCases.map(\.rawValue).joined(separator: ", ")
    }

    func key() throws(PortDaddyError) -> MetricKey {
        guard let raw = value("key") else { throw .invalidRequest("give ?key= one of \(Self.names(MetricKey.self))") }
        guard let key = MetricKey(rawValue: raw) else { throw .invalidRequest("key \(raw) is not one of \(Self.names(MetricKey.self))") }
        return key
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, default fallback: T) throws(PortDaddyError) -> T where T.RawValue == String {
        guard let raw = value(name) else { return fallback }
        guard let choice = T(rawValue: raw) else { throw .invalidRequest("\(name) \(raw) is not one of \(Self.names(T.self))") }
        return choice
    }

    /// A window length such as `24h`, `90m` or `3600` (seconds).
    func window(_ name: String, default fallback: Double) throws(PortDaddyError) -> Double {
        guard let raw = value(name) else { return fallback }
        guard let seconds = DurationParser.seconds(raw) else { throw .invalidRequest("\(name) \(raw) is not a duration (e.g. 90m, 24h, 7d)") }
        return seconds
    }

    func count(_ name: String, default fallback: Int, max: Int) throws(PortDaddyError) -> Int {
        guard let raw = value(name) else { return fallback }
        guard let n = Int(raw), n >= 1, n <= max else { throw .invalidRequest("\(name) \(raw) is not a number from 1 to \(max)") }
        return n
    }

    /// `dim=backend:codex` filters, repeated or comma-separated; all must hold.
    func filters() throws(PortDaddyError) -> [MetricFilter] {
        var filters: [MetricFilter] = []
        for raw in parameters.getAll("dim") {
            for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
                guard let colon = item.firstIndex(of: ":"), let dimension = MetricDimension(rawValue: String(item[..<colon])) else {
                    throw .invalidRequest("dim \(item) is not NAME:VALUE with NAME one of \(Self.names(MetricDimension.self))")
                }
                filters.append(MetricFilter(dimension: dimension, value: String(item[item.index(after: colon)...])))
            }
        }
        return filters
    }
}
