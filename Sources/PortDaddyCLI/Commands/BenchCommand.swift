import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd bench`: measure a running daemon.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the daemon: latency over the socket and TCP, throughput, whole-process claim time, RSS.",
            discussion: "See docs/BENCHMARKS.md; scripts/bench.sh runs it beside Google's portserver.")

        @Argument(help: "Requests per latency series, as in `pd bench 500` (the same as --iterations).") var count: Int?
        @Option(name: .long, help: "Requests per latency series.") var iterations = 3000
        @Option(name: .long, help: "Seconds per throughput run.") var duration = 3.0
        @Option(name: .long, parsing: .upToNextOption, help: "Concurrent clients for the throughput runs.") var clients: [Int] = [1, 32]
        @Option(name: .long, help: "Runs of `pd claim -q` as a whole process.") var processRuns = 100
        @Option(name: .long, help: "Unix socket of a running portserver (python3-portpicker) to measure beside us.") var portserver: String?
        @Option(name: .long, help: "host:port of a Redis server to measure locks and pub/sub beside us.") var redis: String?
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if let count, count < 1 { throw ValidationError("the iteration count must be at least 1") }
        }

        func run() throws {
            var bench = self
            if let count { bench.iterations = count }
            try bench.measure()
        }

        func measure() throws {
            let env = global.environment
            let status = try attempt { try global.client().status() }
            var report = BenchReport(version: PortDaddyVersion.current, iterations: iterations)
            report.rssIdleKB = BenchProbe.rssKB(pid: status.pid)
            let socket = DaemonEndpoint.unix(path: status.socket)
            let tcp = DaemonEndpoint.tcp(host: status.tcpHost, port: status.tcpPort)
            for (name, endpoint) in [("socket", socket), ("tcp", tcp)] {
                report.latency[name] = try BenchProbe.latency(endpoint: endpoint, iterations: iterations)
            }
            let core = try BenchProbe.core(iterations: iterations)
            report.coreClaim = core.claim
            report.coreRelease = core.release
            report.codec = try BenchProbe.codec(iterations: iterations)
            report.claimNewConnection = try BenchProbe.claimWithNewConnections(endpoint: socket, iterations: min(iterations, 2000))
            for n in clients {
                report.throughput[String(n)] = try BenchProbe.throughput(endpoint: tcp, clients: n, seconds: duration)
            }
            report.process = try BenchProbe.processClaim(executable: DaemonLauncher.executablePath(), environment: env, runs: processRuns)
            report.lock = try BenchProbe.lockLatency(endpoint: socket, iterations: iterations)
            for n in [1, 32] {
                report.pubsub[String(n)] = try BenchProbe.pubSubLatency(endpoint: socket, subscribers: n, messages: n == 1 ? min(iterations, 2000) : min(iterations, 500))
            }
            if let redis {
                let parts = redis.split(separator: ":")
                guard parts.count == 2, let port = Int(parts[1]) else { throw CLIError("--redis takes host:port", exitCode: PDExit.usage) }
                let host = String(parts[0]) == "localhost" ? "127.0.0.1" : String(parts[0])
                report.redisLock = try BenchProbe.redisLockLatency(host: host, port: port, iterations: iterations)
                for n in [1, 32] {
                    report.redisPubsub[String(n)] = try BenchProbe.redisPubSubLatency(host: host, port: port, subscribers: n, messages: n == 1 ? min(iterations, 2000) : min(iterations, 500))
                }
            }
            if let portserver {
                report.portserver = try BenchProbe.portserver(socketPath: portserver, iterations: min(iterations, 2000))
            }
            report.rssAfterKB = BenchProbe.rssKB(pid: status.pid)
            if global.json { return global.output.json(report) }
            report.print(global.output)
        }
    }
}

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

/// Everything one `pd bench` run measured.
struct BenchReport: Encodable {
    struct Transport: Encodable {
        var health: LatencySummary
        var claim: LatencySummary
        var release: LatencySummary
    }
    struct Throughput: Encodable {
        var clients: Int
        var seconds: Double
        var requests: Int
        var requestsPerSecond: Double
        var errors: Int
    }
    var version: String
    var iterations: Int
    var latency: [String: Transport] = [:]
    var claimNewConnection: LatencySummary?
    var coreClaim: LatencySummary?
    var coreRelease: LatencySummary?
    var codec: LatencySummary?
    var throughput: [String: Throughput] = [:]
    var process: LatencySummary?
    var portserver: LatencySummary?
    var lock: LatencySummary?
    var pubsub: [String: LatencySummary] = [:]
    var redisLock: LatencySummary?
    var redisPubsub: [String: LatencySummary] = [:]
    var rssIdleKB: Int?
    var rssAfterKB: Int?

    func print(_ out: Output) {
        func us(_ v: Double) -> String { String(format: "%.0f µs", v) }
        out.line(out.bold("Port Daddy \(version) benchmark") + " (\(iterations) requests per series)")
        out.table(
            ["series", "p50", "p90", "p99"],
            latency.keys.sorted().flatMap { name -> [[String]] in
                let t = latency[name]!
                return [
                    ["\(name) GET /health", us(t.health.p50), us(t.health.p90), us(t.health.p99)],
                    ["\(name) POST /claim", us(t.claim.p50), us(t.claim.p90), us(t.claim.p99)],
                    ["\(name) DELETE /release", us(t.release.p50), us(t.release.p90), us(t.release.p99)],
                ]
            } + [coreClaim.map { ["in-process claim (no HTTP)", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + [coreRelease.map { ["in-process release (no HTTP)", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + [codec.map { ["JSON decode request + encode response", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + [claimNewConnection.map { ["socket claim, new connection each", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + [portserver.map { ["portserver request (new connection each)", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + [process.map { ["pd claim -q (whole process)", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + [lock.map { ["lock acquire+release (socket)", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + [redisLock.map { ["redis SET NX PX + DEL", us($0.p50), us($0.p90), us($0.p99)] }].compactMap { $0 }
                + pubsub.keys.sorted { Int($0)! < Int($1)! }.map { ["publish→receive, \($0) SSE subscriber(s)", us(pubsub[$0]!.p50), us(pubsub[$0]!.p90), us(pubsub[$0]!.p99)] }
                + redisPubsub.keys.sorted { Int($0)! < Int($1)! }.map { ["redis PUBLISH→message, \($0) subscriber(s)", us(redisPubsub[$0]!.p50), us(redisPubsub[$0]!.p90), us(redisPubsub[$0]!.p99)] })
        out.line()
        for key in throughput.keys.sorted(by: { Int($0)! < Int($1)! }) {
            let t = throughput[key]!
            out.line("throughput, \(t.clients) client(s) over TCP, claim+release: \(Int(t.requestsPerSecond)) requests/s (\(t.errors) errors)")
        }
        if let socket = latency["socket"], socket.health.p50 > 0 {
            out.line(String(format: "claim p50 / health p50 over the socket: %.2f×", socket.claim.p50 / socket.health.p50))
        }
        if let tcp = latency["tcp"], tcp.health.p50 > 0 {
            out.line(String(format: "claim p50 / health p50 over TCP: %.2f×", tcp.claim.p50 / tcp.health.p50))
        }
        if let portserver, let socket = latency["socket"] {
            out.line(String(format: "portserver p50 / our claim p50 (keep-alive socket): %.1f×", portserver.p50 / socket.claim.p50))
            if let fresh = claimNewConnection {
                out.line(String(format: "portserver p50 / our claim p50 (new connection each): %.1f×", portserver.p50 / fresh.p50))
            }
        }
        if let lock, let redisLock {
            out.line(String(format: "lock acquire+release p50 / redis SET NX + DEL p50: %.1f×", lock.p50 / redisLock.p50))
        }
        if let rssIdleKB { out.line("daemon RSS idle: \(rssIdleKB / 1024) MB" + (rssAfterKB.map { ", after the run: \($0 / 1024) MB" } ?? "")) }
    }
}
