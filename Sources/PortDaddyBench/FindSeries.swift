import Foundation
import PortDaddyAPI
import PortDaddyCLI
import PortDaddyClient

/// `find` (`GET /services?pattern=<identity>`, what `pd find <id>` sends) with 10, 1,000 and 10,000 live claims:
/// is it flat? The claims are taken over one kept-alive socket connection and released by pattern at the end.
struct FindSeries: BenchSeries {
    static let prefix = "bench.find"

    func measure(_ context: BenchContext) throws -> [BenchRow] {
        let connection = HTTPConnection(endpoint: context.socket)
        defer {
            _ = try? connection.send(
                method: Routes.release.method.rawValue, path: Routes.release.path(), body: BenchProbe.claimBody(Self.prefix + ":*"))
        }
        var rows: [BenchRow] = []
        var live = 0
        for size in context.findSizes {
            guard size <= context.freePorts else {
                rows.append(
                    BenchRow(
                        "find.\(size)", "find one identity, \(size) live claims",
                        note: "skipped: only \(context.freePorts) free ports in the daemon's range"))
                continue
            }
            while live < size {
                let c = try connection.send(
                    method: Routes.claim.method.rawValue, path: Routes.claim.path(), body: BenchProbe.claimBody("\(Self.prefix):\(live)"))
                guard c.status == 201 else { throw CLIError("find benchmark: claim \(live) failed with \(c.status)") }
                live += 1
            }
            var samples: [UInt64] = []
            let warmup = min(300, context.iterations)
            for i in 0..<(warmup + context.iterations) {
                let path = Routes.services.path(query: [("pattern", "\(Self.prefix):\(i * 7919 % size)")])
                let t0 = BenchProbe.now()
                let r = try connection.send(method: Routes.services.method.rawValue, path: path)
                if i >= warmup { samples.append(BenchProbe.now() - t0) }
                guard r.status == 200 else { throw CLIError("find benchmark: find failed with \(r.status)") }
            }
            rows.append(BenchRow("find.\(size)", "find one identity, \(size) live claims", latency: LatencySummary(samples)))
        }
        return rows
    }

    var ratios: [BenchRatio] { [BenchRatio("find p50 at 10,000 live claims / at 10", "find.10000", over: "find.10")] }
}
