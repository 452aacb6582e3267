// The series of the claim path: HTTP latency, the bookkeeping alone, new connections, throughput, whole
// processes, and Google's portserver beside them.

/// `GET /health`, `POST /claim` and `DELETE /release` on one kept-alive connection, over the socket and TCP.
struct HTTPLatencySeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        try [("socket", context.socket), ("tcp", context.tcp)].flatMap { name, endpoint -> [BenchRow] in
            let t = try BenchProbe.latency(endpoint: endpoint, iterations: context.iterations)
            return [
                BenchRow("\(name).health", "\(name) GET /health", latency: t.health),
                BenchRow("\(name).claim", "\(name) POST /claim", latency: t.claim),
                BenchRow("\(name).release", "\(name) DELETE /release", latency: t.release),
            ]
        }
    }

    var ratios: [BenchRatio] {
        [
            BenchRatio("claim p50 / health p50 over the socket", "socket.claim", over: "socket.health"),
            BenchRatio("claim p50 / health p50 over TCP", "tcp.claim", over: "tcp.health"),
        ]
    }
}

/// `ClaimService` on a real SQLite file with real bind tests, no HTTP; and Foundation's JSON coders.
struct InProcessSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        let core = try BenchProbe.core(iterations: context.iterations)
        return [
            BenchRow("core.claim", "in-process claim (no HTTP)", latency: core.claim),
            BenchRow("core.release", "in-process release (no HTTP)", latency: core.release),
            BenchRow("codec", "JSON decode request + encode response", latency: try BenchProbe.codec(iterations: context.iterations)),
        ]
    }
}

/// Connect, claim, close: what one `pd claim` process does on the wire.
struct NewConnectionSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        let fresh = try BenchProbe.claimWithNewConnections(endpoint: context.socket, iterations: min(context.iterations, 2000))
        return [BenchRow("socket.claim.fresh", "socket claim, new connection each", latency: fresh)]
    }
}

/// Claim+release requests per second over TCP with each count of clients.
struct ThroughputSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        context.clients.map { n in
            BenchRow(
                "throughput.\(n)", "throughput, \(n) client(s) over TCP, claim+release",
                throughput: BenchProbe.throughput(endpoint: context.tcp, clients: n, seconds: context.duration))
        }
    }
}

/// `pd claim -q` as a whole process, and the static hello-world anchor the same way when given.
struct WholeProcessSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        let claim = try BenchProbe.wholeProcess(
            executable: context.executable, arguments: ["claim", "bench.proc", "-q"], environment: context.environment,
            runs: context.processRuns)
        var rows = [BenchRow("process.claim", "pd claim -q (whole process)", latency: claim)]
        if let hello = context.helloWorld {
            let anchor = try BenchProbe.wholeProcess(executable: hello, arguments: [], environment: context.environment, runs: context.processRuns)
            rows.append(BenchRow("process.hello", "static hello-world (whole process)", latency: anchor))
        }
        return rows
    }

    var ratios: [BenchRatio] { [BenchRatio("pd claim -q / static hello-world, whole process", "process.claim", over: "process.hello")] }
}

/// Google's portserver protocol, a new connection per request as it requires.
struct PortserverSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        guard let path = context.portserver else { return [] }
        let summary = try BenchProbe.portserver(socketPath: path, iterations: min(context.iterations, 2000))
        return [BenchRow("portserver", "portserver request (new connection each)", latency: summary)]
    }

    var ratios: [BenchRatio] {
        [
            BenchRatio("portserver p50 / our claim p50 (keep-alive socket)", "portserver", over: "socket.claim"),
            BenchRatio("portserver p50 / our claim p50 (new connection each)", "portserver", over: "socket.claim.fresh"),
        ]
    }
}
