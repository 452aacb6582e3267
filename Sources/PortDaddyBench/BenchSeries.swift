import PortDaddyAPI
import PortDaddyClient

/// What every series of `pd bench` gets: where the daemon is, the knobs, and the anchors to measure beside it.
struct BenchContext {
    var socket: DaemonEndpoint
    var tcp: DaemonEndpoint
    var environment: PortDaddyEnvironment
    /// The `pd` binary whose whole-process time is measured.
    var executable: String
    var iterations: Int
    var duration: Double
    var clients: [Int]
    var processRuns: Int
    /// Live-claim counts at which `find` is timed.
    var findSizes: [Int]
    /// Ports of the daemon's range not claimed when the run started.
    var freePorts: Int
    /// A static hello-world binary timed as a whole process beside `pd claim -q`.
    var helloWorld: String?
    /// Unix socket of Google's portserver.
    var portserver: String?
    /// A Redis server, for locks and pub/sub.
    var redis: (host: String, port: Int)?
    /// Cluster mode: the socket of another node of this daemon's cluster, and of a daemon that runs alone.
    var clusterPeer: DaemonEndpoint? = nil
    var singleNode: DaemonEndpoint? = nil
}

/// One thing `pd bench` measures, as rows of the report, plus the ratios it defines against other rows.
///
/// A new series (the binary IPC socket, say) is one file with one conformance and one entry in
/// `BenchSuite.series`; the report, its JSON and `scripts/bench.sh`'s table pick it up from its rows.
protocol BenchSeries: Sendable {
    /// Measures against the running daemon; returns no rows when an anchor it needs was not given.
    func measure(_ context: BenchContext) throws -> [BenchRow]
    /// Ratios between rows (its own or others'), printed after the table.
    var ratios: [BenchRatio] { get }
}

extension BenchSeries {
    var ratios: [BenchRatio] { [] }
}

/// The series of one run, in the order they run and print.
enum BenchSuite {
    static let series: [any BenchSeries] = [
        HTTPLatencySeries(), InProcessSeries(), NewConnectionSeries(), FindSeries(), ThroughputSeries(),
        WholeProcessSeries(), LockSeries(), PubSubSeries(), PortserverSeries(), IPCSeries(), IPCPubSubSeries(), ClusterSeries(),
    ]

    /// A series' name for `--only`: its type's name without "Series", lower-cased (`lock`, `pubsub`, `cluster`).
    static func name(of series: any BenchSeries) -> String {
        String(describing: type(of: series)).replacingOccurrences(of: "Series", with: "").lowercased()
    }
}

/// One measured row: a latency distribution or a throughput run, under a stable key (`socket.claim`).
struct BenchRow: Encodable {
    var key: String
    var label: String
    var latency: LatencySummary?
    var throughput: Throughput?
    var note: String?

    init(_ key: String, _ label: String, latency: LatencySummary) {
        self.key = key
        self.label = label
        self.latency = latency
    }

    init(_ key: String, _ label: String, throughput: Throughput) {
        self.key = key
        self.label = label
        self.throughput = throughput
    }

    init(_ key: String, _ label: String, note: String) {
        self.key = key
        self.label = label
        self.note = note
    }
}

/// `numerator p50 / denominator p50`, printed as "label: 1.72×" when both rows were measured.
struct BenchRatio: Encodable {
    var label: String
    var numerator: String
    var denominator: String
    var value: Double?

    init(_ label: String, _ numerator: String, over denominator: String) {
        self.label = label
        self.numerator = numerator
        self.denominator = denominator
    }
}
