import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyCLI
import PortDaddyClient

extension PD {
    /// `pd bench`: measure a running daemon.
    public struct Bench: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Measure the daemon: latency over the socket and TCP, throughput, whole-process claim time, RSS.",
            discussion: "See docs/BENCHMARKS.md; scripts/bench.sh runs it beside Google's portserver, Redis and a static hello-world.")

        @Argument(help: "Requests per latency series, as in `pd bench 500` (the same as --iterations).") var count: Int?
        @Option(name: .long, help: "Requests per latency series.") var iterations = 3000
        @Option(name: .long, help: "Seconds per throughput run.") var duration = 3.0
        @Option(name: .long, parsing: .upToNextOption, help: "Concurrent clients for the throughput runs.") var clients: [Int] = [1, 32]
        @Option(name: .long, help: "Runs of `pd claim -q` as a whole process.") var processRuns = 100
        @Option(name: .long, parsing: .upToNextOption, help: "Live-claim counts at which `find` is timed (they must fit in the daemon's range).")
        var findSizes: [Int] = [10, 1000, 10000]
        @Option(name: .long, help: "A static hello-world binary to time as a whole process beside `pd claim -q`.") var helloWorld: String?
        @Option(name: .long, help: "Unix socket of a running portserver (python3-portpicker) to measure beside us.") var portserver: String?
        @Option(name: .long, help: "host:port of a Redis server to measure locks and pub/sub beside us.") var redis: String?
        @Option(name: .long, help: "Cluster mode: the Unix socket of another node, for the cross-node lock and publish→receive series.")
        var clusterPeer: String?
        @Option(name: .long, help: "Cluster mode: the Unix socket of a daemon that runs alone, measured beside the cluster.")
        var singleNode: String?
        @Option(name: .long, parsing: .upToNextOption, help: "Run only these series (lock, pubsub, cluster, ipc, find, …).")
        var only: [String] = []
        @OptionGroup var global: GlobalOptions

        public init() {}

        public func validate() throws {
            if let count, count < 1 { throw ValidationError("the iteration count must be at least 1") }
            if findSizes.contains(where: { $0 < 1 }) { throw ValidationError("--find-sizes takes counts of at least 1") }
        }

        public func run() throws {
            let status = try attempt { try global.client().status() }
            let context = BenchContext(
                socket: .unix(path: status.socket), tcp: .tcp(host: status.tcpHost, port: status.tcpPort),
                environment: global.environment,
                executable: SiblingProgram.client.isPresent ? SiblingProgram.client.path : DaemonLauncher.executablePath(),
                iterations: count ?? iterations,
                duration: duration, clients: clients, processRuns: processRuns, findSizes: findSizes.sorted(),
                freePorts: status.rangeEnd - status.rangeStart + 1 - status.claims,
                helloWorld: helloWorld, portserver: portserver, redis: try redis.map(Self.hostAndPort),
                clusterPeer: clusterPeer.map { .unix(path: $0) }, singleNode: singleNode.map { .unix(path: $0) })
            let series = BenchSuite.series.filter { only.isEmpty || only.contains(BenchSuite.name(of: $0)) }
            var report = BenchReport(version: PortDaddyVersion.current, iterations: context.iterations)
            report.rssIdle = BenchProbe.residentMemory(pid: status.pid)
            for one in series { report.rows += try one.measure(context) }
            report.resolve(series.flatMap(\.ratios))
            report.rssAfter = BenchProbe.residentMemory(pid: status.pid)
            if global.json { return global.output.json(report) }
            report.print(global.output)
        }

        static func hostAndPort(_ text: String) throws -> (host: String, port: Int) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else { throw CLIError("--redis takes host:port", exitCode: PDExit.usage) }
            return (parts[0] == "localhost" ? "127.0.0.1" : String(parts[0]), port)
        }
    }
}
