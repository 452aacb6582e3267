import Foundation
import PortDaddyCLI

/// Percentiles of a series, in microseconds.
struct LatencySummary: Encodable {
    var p50: Double
    var p90: Double
    var p99: Double
    var mean: Double
    var count: Int

    init(_ samplesNanos: [UInt64]) {
        let sorted = samplesNanos.sorted()
        func at(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1000
        }
        p50 = at(0.5)
        p90 = at(0.9)
        p99 = at(0.99)
        mean = sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count) / 1000
        count = sorted.count
    }
}

/// Requests per second of one throughput run.
struct Throughput: Encodable {
    var clients: Int
    var seconds: Double
    var requests: Int
    var requestsPerSecond: Double
    var errors: Int
}

/// Everything one `pd bench` run measured: the rows of every series, the ratios between them, the daemon's RSS.
struct BenchReport: Encodable {
    var version: String
    var iterations: Int
    var rows: [BenchRow] = []
    var ratios: [BenchRatio] = []
    /// The daemon's resident memory after 5 s of quiet, before the run and after it.
    var rssIdle: ResidentMemory?
    var rssAfter: ResidentMemory?

    /// The p50 of the row under `key`, if it was measured.
    func p50(_ key: String) -> Double? { rows.first { $0.key == key }?.latency?.p50 }

    /// Fills in the ratios whose rows were both measured, and drops the others.
    mutating func resolve(_ wanted: [BenchRatio]) {
        ratios = wanted.compactMap { ratio in
            guard let top = p50(ratio.numerator), let bottom = p50(ratio.denominator), bottom > 0 else { return nil }
            var resolved = ratio
            resolved.value = top / bottom
            return resolved
        }
    }

    func print(_ out: Output) {
        func us(_ v: Double) -> String { v >= 1000 ? String(format: "%.2f ms", v / 1000) : String(format: "%.0f µs", v) }
        out.line(out.bold("Port Daddy \(version) benchmark") + " (\(iterations) requests per series)")
        out.table(
            ["series", "p50", "p90", "p99"],
            rows.compactMap { row in row.latency.map { [row.label, us($0.p50), us($0.p90), us($0.p99)] } })
        out.line()
        for row in rows {
            if let t = row.throughput {
                out.line("\(row.label): \(Int(t.requestsPerSecond)) requests/s (\(t.errors) errors)")
            }
            if let note = row.note { out.line("\(row.label): \(note)") }
        }
        for ratio in ratios {
            out.line("\(ratio.label): " + String(format: "%.2f×", ratio.value ?? 0))
        }
        if let rssIdle { out.line("daemon RSS after 5 s quiet: \(rssIdle)" + (rssAfter.map { "; after the run and 5 s quiet: \($0)" } ?? "")) }
    }
}

/// Resident memory of a process in KiB: all of it, and its anonymous and file-backed parts.
struct ResidentMemory: Encodable, CustomStringConvertible {
    var totalKB: Int
    var anonymousKB: Int?
    var fileKB: Int?

    var description: String {
        let mb = { (kb: Int) in String(format: "%.1f MB", Double(kb) / 1024) }
        return mb(totalKB) + " (anonymous \(anonymousKB.map(mb) ?? "?"), file-backed \(fileKB.map(mb) ?? "?"))"
    }
}
