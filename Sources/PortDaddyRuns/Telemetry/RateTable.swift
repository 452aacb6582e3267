import Foundation
import PortDaddyAPI
import PortDaddyCore

/// What each model costs per million tokens, by backend: the builtin rates, overlaid by `~/.port-daddy/rates.json`.
public struct RateTable: Sendable {
    private var rows: [Backend: [ModelRateInfo]]

    private init(rows: [Backend: [ModelRateInfo]]) { self.rows = rows }

    /// The rates embedded in the binary (source "builtin").
    public static let builtin = RateTable(rows: builtinRows)

    /// `builtin` overlaid with the JSON file at `path` when it exists:
    /// `{"rates":[{"backend":"codex","id":"gpt-5","input":"1.25","output":"10","cacheRead":"0.125","cacheWrite":"0","local":false}]}`
    /// with USD per million tokens as strings or numbers (at most 6 decimals); `cacheRead`, `cacheWrite` default to 0 and
    /// `local` to false. A row replaces the builtin row of the same backend and id. A broken file throws
    /// `.invalidRequest` naming the path and the entry.
    public static func load(overrides path: String) throws(PortDaddyError) -> RateTable {
        guard FileManager.default.fileExists(atPath: path) else { return builtin }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .invalidRequest("\(path) cannot be read: \(error.localizedDescription)")
        }
        let example = #"{"rates":[{"backend":"codex","id":"gpt-5","input":"1.25","output":"10"}]}"#
        guard let root = JSONValue(parsing: String(decoding: data, as: UTF8.self)), let entries = root["rates"]?.arrayValue else {
            throw .invalidRequest("\(path) is not a rate table: expected JSON like \(example) (USD per million tokens)")
        }
        var table = builtin
        for (index, entry) in entries.enumerated() {
            let row = try overrideRow(entry, source: path, at: "\(path): rates[\(index)]")
            var list = table.rows[row.backend] ?? []
            list.removeAll { $0.id == row.rate.id }
            list.append(row.rate)
            table.rows[row.backend] = list
        }
        return table
    }

    /// One row of an override file; errors name `place` ("PATH: rates[2]").
    private static func overrideRow(_ entry: JSONValue, source: String, at place: String) throws(PortDaddyError) -> (
        backend: Backend, rate: ModelRateInfo
    ) {
        guard case .object = entry else { throw .invalidRequest("\(place) is not an object") }
        guard let name = entry["backend"]?.stringValue, let backend = Backend(rawValue: name) else {
            let known = Backend.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidRequest("\(place).backend must be one of \(known)")
        }
        guard let id = entry["id"]?.stringValue?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
            throw .invalidRequest("\(place).id must be the model's name")
        }
        func usd(_ key: String, required: Bool) throws(PortDaddyError) -> Int64 {
            guard let field = entry[key] else {
                if required { throw .invalidRequest("\(place).\(key) is missing (USD per million tokens)") }
                return 0
            }
            guard let text = field.decimalText else { throw .invalidRequest("\(place).\(key) must be a number or a decimal string") }
            return try Money.micros(parsing: text, field: "\(place).\(key)")
        }
        let local: Bool
        switch entry["local"] {
        case nil: local = false
        case .bool(let flag)?: local = flag
        default: throw .invalidRequest("\(place).local must be true or false")
        }
        let rate = ModelRateInfo(
            id: id, inputPerMTok: try usd("input", required: true), outputPerMTok: try usd("output", required: true),
            cacheReadPerMTok: try usd("cacheRead", required: false), cacheWritePerMTok: try usd("cacheWrite", required: false), local: local,
            source: source)
        return (backend, rate)
    }

    /// The rate of `model` (else the backend's default model) on `backend`; nil when unknown. A dated id
    /// ("claude-sonnet-4-5-20250929", "gpt-5-2025-08-07") falls back to its undated row. Every ollama model is local
    /// with zero rates unless the override file names it.
    public func rate(backend: Backend, model: String?) -> ModelRateInfo? {
        guard let id = model ?? backend.defaultModel else { return nil }
        let list = rows[backend] ?? []
        if let row = list.first(where: { $0.id == id }) ?? Self.undated(id).flatMap({ undated in list.first { $0.id == undated } }) {
            return row
        }
        if backend == .ollama {
            return ModelRateInfo(id: id, inputPerMTok: 0, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0, local: true, source: "builtin")
        }
        return nil
    }

    /// Every model with a known rate on `backend`, builtin ones first.
    public func models(for backend: Backend) -> [ModelRateInfo] { rows[backend] ?? [] }

    /// Σ tokens × per-MTok rate / 1,000,000, exact in integers, rounded half-up to 1 µUSD (capped at `Int64.max`).
    public static func cost(_ tokens: TokenCounts, at rate: ModelRateInfo) -> Int64 {
        let parts: [(Int64, Int64)] = [
            (tokens.input, rate.inputPerMTok), (tokens.output, rate.outputPerMTok), (tokens.cacheRead, rate.cacheReadPerMTok),
            (tokens.cacheWrite, rate.cacheWritePerMTok),
        ]
        // Each product is below 2^126; the sum saturates rather than trap on absurd (hand-built) rates.
        var numerator = Int128(0)
        for (count, perMTok) in parts {
            let (sum, overflow) = numerator.addingReportingOverflow(Int128(max(0, count)) * Int128(max(0, perMTok)))
            numerator = overflow ? Int128.max - 500_000 : sum
        }
        let micros = (numerator + 500_000) / 1_000_000
        return micros > Int128(Int64.max) ? Int64.max : Int64(micros)
    }

    /// The id without a trailing date ("-20250929" or "-2025-08-07"); nil when it has none.
    static func undated(_ id: String) -> String? {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        let isDigits = { (part: Substring, count: Int) in part.count == count && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) }
        if parts.count > 1, let last = parts.last, isDigits(last, 8) {
            return parts.dropLast().joined(separator: "-")
        }
        if parts.count > 3, isDigits(parts[parts.count - 3], 4), isDigits(parts[parts.count - 2], 2), isDigits(parts[parts.count - 1], 2) {
            return parts.dropLast(3).joined(separator: "-")
        }
        return nil
    }
}
