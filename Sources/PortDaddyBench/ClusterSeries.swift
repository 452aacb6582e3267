// Cluster mode: locks and publish→receive through PostgreSQL, beside one node alone and Redis, in the same run.

/// Lock acquire+release and publish→receive across two nodes of a cluster (`--cluster-peer`), beside the same on a
/// daemon that runs alone (`--single-node`) and on Redis (`--redis`). No rows without `--cluster-peer`.
struct ClusterSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        guard let peer = context.clusterPeer else { return [] }
        let n = context.iterations, messages = min(context.iterations, 2000)
        var rows = [
            BenchRow(
                "cluster.lock", "cluster: lock acquire+release on one node",
                latency: try BenchProbe.lockLatency(endpoint: context.socket, iterations: n)),
            BenchRow(
                "cluster.lock.cross", "cluster: lock acquired on node A, released on node B",
                latency: try BenchProbe.lockLatency(endpoint: context.socket, iterations: n, releaseOn: peer)),
            BenchRow(
                "cluster.pubsub.cross", "cluster: publish on node A → receive on node B (1 SSE subscriber)",
                latency: try BenchProbe.pubSubLatency(endpoint: peer, subscribers: 1, messages: messages, publishOn: context.socket)),
            BenchRow(
                "cluster.pubsub.local", "cluster: publish → receive on the same node (1 SSE subscriber)",
                latency: try BenchProbe.pubSubLatency(endpoint: context.socket, subscribers: 1, messages: messages)),
        ]
        if let single = context.singleNode {
            rows.append(
                BenchRow("single.lock", "one node alone: lock acquire+release", latency: try BenchProbe.lockLatency(endpoint: single, iterations: n)))
            rows.append(
                BenchRow(
                    "single.pubsub", "one node alone: publish → receive (1 SSE subscriber)",
                    latency: try BenchProbe.pubSubLatency(endpoint: single, subscribers: 1, messages: messages)))
        }
        if let redis = context.redis {
            rows.append(
                BenchRow(
                    "cluster.redis.lock", "redis SET NX PX + DEL",
                    latency: try BenchProbe.redisLockLatency(host: redis.host, port: redis.port, iterations: n)))
            rows.append(
                BenchRow(
                    "cluster.redis.pubsub", "redis PUBLISH→message, 1 subscriber",
                    latency: try BenchProbe.redisPubSubLatency(host: redis.host, port: redis.port, subscribers: 1, messages: messages)))
        }
        return rows
    }

    var ratios: [BenchRatio] {
        [
            BenchRatio("cluster lock p50 / one node alone p50", "cluster.lock", over: "single.lock"),
            BenchRatio("cluster lock p50 / redis SET NX + DEL p50", "cluster.lock", over: "cluster.redis.lock"),
            BenchRatio("cross-node publish→receive p50 / one node alone p50", "cluster.pubsub.cross", over: "single.pubsub"),
            BenchRatio("cross-node publish→receive p50 / redis PUBLISH→message p50", "cluster.pubsub.cross", over: "cluster.redis.pubsub"),
        ]
    }
}
