// Locks and publish→receive, each beside the same measured against Redis when `--redis` is given.

/// Lock acquire+release over the socket; Redis `SET NX PX` + `DEL`.
struct LockSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        var rows = [
            BenchRow(
                "lock", "lock acquire+release (socket)", latency: try BenchProbe.lockLatency(endpoint: context.socket, iterations: context.iterations)
            )
        ]
        if let redis = context.redis {
            let anchor = try BenchProbe.redisLockLatency(host: redis.host, port: redis.port, iterations: context.iterations)
            rows.append(BenchRow("redis.lock", "redis SET NX PX + DEL", latency: anchor))
        }
        return rows
    }

    var ratios: [BenchRatio] { [BenchRatio("lock acquire+release p50 / redis SET NX + DEL p50", "lock", over: "redis.lock")] }
}

/// Publish→receive with 1 and 32 SSE subscribers; Redis PUBLISH→message with as many.
struct PubSubSeries: BenchSeries {
    static let subscriberCounts = [1, 32]

    func measure(_ context: BenchContext) throws -> [BenchRow] {
        var rows: [BenchRow] = []
        for n in Self.subscriberCounts {
            let messages = n == 1 ? min(context.iterations, 2000) : min(context.iterations, 500)
            let ours = try BenchProbe.pubSubLatency(endpoint: context.socket, subscribers: n, messages: messages)
            rows.append(BenchRow("pubsub.\(n)", "publish→receive, \(n) SSE subscriber(s)", latency: ours))
            if let redis = context.redis {
                let anchor = try BenchProbe.redisPubSubLatency(host: redis.host, port: redis.port, subscribers: n, messages: messages)
                rows.append(BenchRow("redis.pubsub.\(n)", "redis PUBLISH→message, \(n) subscriber(s)", latency: anchor))
            }
        }
        return rows
    }

    var ratios: [BenchRatio] {
        [BenchRatio("publish→receive p50 / redis PUBLISH→message p50, 32 subscribers", "pubsub.32", over: "redis.pubsub.32")]
    }
}
