import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyWire

/// The binary IPC socket (`pd.ipc`, docs/IPC.md) beside HTTP: health, claim, release and a lock taken and given
/// back on one kept-alive connection, and claim+release throughput with each count of clients.
struct IPCSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        guard case .unix(let http) = context.socket else { return [] }
        let path = IPCFrame.socketPath(besides: http)
        guard FileManager.default.fileExists(atPath: path) else {
            return [BenchRow("ipc.claim", "IPC claim", note: "skipped: the daemon has no IPC socket (PORT_DADDY_IPC=off?)")]
        }
        let connection = IPCConnection(path: path)
        var health: [UInt64] = [], claim: [UInt64] = [], release: [UInt64] = [], lock: [UInt64] = []
        let warmup = min(300, context.iterations)
        for i in 0..<(warmup + context.iterations) {
            let keep = i >= warmup
            let request = ClaimRequest(id: try Identity(parsing: "bench.ipc:s\(i % 64)"))
            var t0 = BenchProbe.now()
            _ = try connection.call(.health, NoBody(), as: V1HealthResponse.self)
            if keep { health.append(BenchProbe.now() - t0) }
            t0 = BenchProbe.now()
            _ = try connection.call(.claim, request, as: ClaimResponse.self)
            if keep { claim.append(BenchProbe.now() - t0) }
            t0 = BenchProbe.now()
            _ = try connection.call(.release, ReleaseRequest(id: request.id.description), as: ReleaseResponse.self)
            if keep { release.append(BenchProbe.now() - t0) }
            t0 = BenchProbe.now()
            _ = try connection.call(.lockAcquire, IPCLockArguments(name: "bench-ipc-lock", owner: "bench"), as: LockInfo.self)
            _ = try connection.call(.lockRelease, IPCLockReleaseArguments(name: "bench-ipc-lock", owner: "bench"), as: LockReleaseResponse.self)
            if keep { lock.append(BenchProbe.now() - t0) }
        }
        var rows = [
            BenchRow("ipc.health", "IPC health", latency: LatencySummary(health)),
            BenchRow("ipc.claim", "IPC claim", latency: LatencySummary(claim)),
            BenchRow("ipc.release", "IPC release", latency: LatencySummary(release)),
            BenchRow("ipc.claimrelease", "IPC claim+release", latency: LatencySummary(zip(claim, release).map { $0 + $1 })),
            BenchRow("ipc.lock", "IPC lock acquire+release", latency: LatencySummary(lock)),
        ]
        for n in context.clients {
            rows.append(
                BenchRow(
                    "ipc.throughput.\(n)", "throughput, \(n) client(s) over IPC, claim+release",
                    throughput: throughput(path, clients: n, seconds: context.duration)))
        }
        return rows
    }

    /// Claim+release over IPC from `clients` threads, each on its own connection, for `seconds`.
    func throughput(_ path: String, clients: Int, seconds: Double) -> Throughput {
        BenchProbe.throughput(clients: clients, seconds: seconds, prefix: "bench.ipctp") {
            let connection = IPCConnection(path: path)
            return { id in
                _ = try connection.call(.claim, ClaimRequest(id: try Identity(parsing: id)), as: ClaimResponse.self)
                _ = try connection.call(.release, ReleaseRequest(id: id), as: ReleaseResponse.self)
                return true
            }
        }
    }

    var ratios: [BenchRatio] {
        [
            BenchRatio("portserver p50 / IPC claim+release p50", "portserver", over: "ipc.claimrelease"),
            BenchRatio("IPC lock acquire+release p50 / redis SET NX + DEL p50", "ipc.lock", over: "redis.lock"),
            BenchRatio("IPC claim p50 / IPC health p50", "ipc.claim", over: "ipc.health"),
        ]
    }
}
