import Foundation
import PortDaddyAPI
import PortDaddyCLI
import PortDaddyClient
import PortDaddyCore
import PortDaddySystem
import Synchronization

/// The measurements behind `pd bench`. Every series uses real requests against the running daemon.
enum BenchProbe {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Pre-encoded request bodies, so the client's own JSON work stays out of the figures.
    static func claimBody(_ id: String) -> [UInt8] { Array(#"{"id":"\#(id)"}"#.utf8) }

    /// Health, claim and release latency over one kept-alive connection. Identities cycle through a small set,
    /// so the claims exercise the remembered-port path and the bind test, and the registry does not grow.
    static func latency(endpoint: DaemonEndpoint, iterations: Int) throws -> (health: LatencySummary, claim: LatencySummary, release: LatencySummary)
    {
        let connection = HTTPConnection(endpoint: endpoint)
        let tag = endpoint.description.hasPrefix("unix") ? "s" : "t"
        let warmup = min(300, iterations)
        var health: [UInt64] = [], claim: [UInt64] = [], release: [UInt64] = []
        health.reserveCapacity(iterations)
        for i in 0..<(warmup + iterations) {
            let t0 = now()
            let h = try connection.send(method: "GET", path: Routes.health.path())
            let t1 = now()
            let id = "bench.lat-\(tag)\(i % 64)"
            let c = try connection.send(method: "POST", path: Routes.claim.path(), body: claimBody(id))
            let t2 = now()
            let r = try connection.send(method: "DELETE", path: Routes.release.path(), body: claimBody(id))
            let t3 = now()
            guard h.status == 200, c.status == 201, r.status == 200 else {
                throw CLIError("benchmark request failed: health \(h.status), claim \(c.status), release \(r.status)")
            }
            if i >= warmup {
                health.append(t1 - t0)
                claim.append(t2 - t1)
                release.append(t3 - t2)
            }
        }
        return (LatencySummary(health), LatencySummary(claim), LatencySummary(release))
    }

    /// Claim latency when every request opens its own connection (what a `pd claim` process does).
    static func claimWithNewConnections(endpoint: DaemonEndpoint, iterations: Int) throws -> LatencySummary {
        var samples: [UInt64] = []
        let cleanup = HTTPConnection(endpoint: endpoint)
        for i in 0..<iterations {
            let id = "bench.fresh\(i % 64)"
            let t0 = now()
            let connection = HTTPConnection(endpoint: endpoint)
            let c = try connection.send(method: "POST", path: Routes.claim.path(), body: claimBody(id))
            connection.close()
            samples.append(now() - t0)
            guard c.status == 201 else { throw CLIError("benchmark claim failed: \(c.status)") }
            _ = try cleanup.send(method: "DELETE", path: Routes.release.path(), body: claimBody(id))
        }
        return LatencySummary(samples)
    }

    /// Claim+release requests per second over HTTP with `clients` threads, each on its own kept-alive connection.
    static func throughput(endpoint: DaemonEndpoint, clients: Int, seconds: Double) -> Throughput {
        throughput(clients: clients, seconds: seconds, prefix: "bench.tp") {
            let connection = HTTPConnection(endpoint: endpoint)
            return { id in
                do {
                    let c = try connection.send(method: "POST", path: Routes.claim.path(), body: claimBody(id))
                    let r = try connection.send(method: "DELETE", path: Routes.release.path(), body: claimBody(id))
                    return c.status == 201 && r.status == 200
                } catch {
                    connection.close()
                    throw error
                }
            }
        }
    }

    /// Requests per second of claim+release rounds from `clients` threads for `seconds`. `makeRound` runs once per
    /// thread (its own connection) and returns the round: claim and release one identity, true when both succeeded,
    /// throwing when the connection failed. Each round counts two requests.
    static func throughput(
        clients: Int, seconds: Double, prefix: String, makeRound: @escaping @Sendable () -> (String) throws -> Bool
    ) -> Throughput {
        let counts = Mutex<(requests: Int, errors: Int)>((0, 0))
        let group = DispatchGroup()
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        for worker in 0..<clients {
            group.enter()
            Thread {
                defer { group.leave() }
                let round = makeRound()
                var done = 0, failed = 0, i = 0
                while Date() < deadline {
                    let id = "\(prefix)\(worker)-\(i % 8)"
                    i += 1
                    do {
                        if try round(id) {
                            done += 2
                        } else {
                            done += 2
                            failed += 1
                        }
                    } catch {
                        failed += 1
                    }
                }
                counts.withLock {
                    $0.requests += done
                    $0.errors += failed
                }
            }.start()
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(start)
        let (requests, errors) = counts.withLock { $0 }
        return .init(
            clients: clients, seconds: elapsed, requests: requests, requestsPerSecond: Double(requests) / elapsed, errors: errors)
    }

    /// Wall time of `executable arguments…` as a whole process (spawn to exit), e.g. `pd claim bench.proc -q`.
    static func wholeProcess(executable: String, arguments: [String], environment: PortDaddyEnvironment, runs: Int) throws -> LatencySummary {
        var env = ProcessInfo.processInfo.environment
        env["PORT_DADDY_HOME"] = environment.home
        if let url = environment.url { env["PORT_DADDY_URL"] = url }
        let spec = ChildSpec(executable: executable, arguments: arguments, environment: env, stdout: .null, stderr: .inherit, group: .parent)
        var samples: [UInt64] = []
        for i in 0..<(runs + 5) {
            let t0 = now()
            let pid: pid_t
            do { pid = try ChildLauncher.spawn(spec) } catch { throw CLIError("cannot spawn \(executable): \(error.description)") }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            if i >= 5 { samples.append(now() - t0) }
            guard status == 0 else { throw CLIError("\(([executable] + arguments).joined(separator: " ")) exited with status \(status)") }
        }
        return LatencySummary(samples)
    }

    /// Latency of Google's portserver protocol: connect, send "<pid>\n", read the port.
    static func portserver(socketPath: String, iterations: Int) throws -> LatencySummary {
        var samples: [UInt64] = []
        let request = Array("\(getpid())\n".utf8)
        for _ in 0..<iterations {
            let t0 = now()
            let fd = try HTTPConnection.connectUnix(socketPath)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            var reply: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                reply += chunk[0..<n]
            }
            close(fd)
            samples.append(now() - t0)
            guard Int(String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) != nil else {
                throw CLIError("portserver gave no port (\(String(decoding: reply, as: UTF8.self)))")
            }
        }
        return LatencySummary(samples)
    }

    /// The claim bookkeeping alone, in-process: a real SQLite store in a temp dir, real bind tests, no HTTP.
    static func core(iterations: Int) throws -> (claim: LatencySummary, release: LatencySummary) {
        let dir = NSTemporaryDirectory() + "pdbench-core-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let service = try ClaimService(store: try SQLiteStore(path: dir + "/registry.sqlite"), settings: ClaimSettings())
        var claims: [UInt64] = [], releases: [UInt64] = []
        for i in 0..<(iterations + 300) {
            let identity = try Identity(parsing: "bench.core\(i % 64)")
            let t0 = now()
            _ = try service.claim(ClaimCommand(identity: identity))
            let t1 = now()
            _ = try service.release(identity.description)
            let t2 = now()
            if i >= 300 {
                claims.append(t1 - t0)
                releases.append(t2 - t1)
            }
        }
        return (LatencySummary(claims), LatencySummary(releases))
    }

    /// Foundation JSON decoding of a claim request plus encoding of its response, in-process.
    static func codec(iterations: Int) throws -> LatencySummary {
        let body = Data(claimBody("bench.codec:api"))
        let response = ClaimResponse(
            id: "bench.codec:api", port: 6360, existing: false, state: .assigned, pid: 4242, sticky: false, expiresAt: nil,
            message: "assigned stable port")
        var samples: [UInt64] = []
        for i in 0..<(iterations + 300) {
            let t0 = now()
            _ = try JSONDecoder().decode(ClaimRequest.self, from: body)
            _ = try JSONEncoder().encode(response)
            if i >= 300 { samples.append(now() - t0) }
        }
        return LatencySummary(samples)
    }

    /// A process's resident memory once it has been quiet for `quiet` seconds (the daemon gives pages back when idle):
    /// total, anonymous and file-backed KiB (Linux), or nil.
    static func residentMemory(pid: Int, afterQuiet quiet: Double = 5) -> ResidentMemory? {
        Thread.sleep(forTimeInterval: quiet)
        guard let status = ProcStatusFile.read(Int32(pid)), let total = status.kibibytes("VmRSS") else { return nil }
        return ResidentMemory(totalKB: total, anonymousKB: status.kibibytes("RssAnon"), fileKB: status.kibibytes("RssFile"))
    }
}
