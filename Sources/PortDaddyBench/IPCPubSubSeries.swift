import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyWire

/// Publish→receive over the binary IPC socket: 1 and 32 subscribers, each on its own `pd.ipc` connection with a
/// `subscribe` conversation, and a publisher sending `publish` on another; beside Redis PUBLISH→message.
struct IPCPubSubSeries: BenchSeries {
    func measure(_ context: BenchContext) throws -> [BenchRow] {
        guard case .unix(let http) = context.socket else { return [] }
        let path = IPCFrame.socketPath(besides: http)
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try [1, 32].map { n in
            BenchRow(
                "ipc.pubsub.\(n)", "IPC publish→receive, \(n) subscriber(s)",
                latency: try latency(path, subscribers: n, messages: min(context.iterations, 1000)))
        }
    }

    func latency(_ path: String, subscribers: Int, messages: Int) throws -> LatencySummary {
        let channel = "bench.ipcpubsub\(subscribers)"
        let probe = PubSubProbe(subscribers: subscribers)
        for _ in 0..<subscribers {
            Thread.detachNewThread {
                let me = probe.register()
                let connection = IPCConnection(path: path)
                do {
                    try connection.connect()
                    try connection.send(
                        IPCMessage(
                            .subscribe, conversationID: "s",
                            content: .map([MessagePackEntry("args", .map([MessagePackEntry("pattern", .string(channel))]))])))
                    while true {
                        let frame = try connection.receive()
                        guard frame.performative == .inform else {
                            if frame.performative == .agree { continue }
                            return
                        }
                        let message = try MessagePackDecoder().decode(ChannelMessageInfo.self, from: frame.content)
                        if message.message == "stop" { return }
                        probe.received(sentAt: UInt64(message.message) ?? 0, by: me)
                    }
                } catch {
                    return
                }
            }
        }
        let publisher = IPCConnection(path: path)
        func publish(_ text: String) throws {
            _ = try publisher.call(.publish, IPCPublishArguments(channel: channel, message: text), as: ChannelMessageInfo.self)
        }
        // Warm up until every subscriber has received a message (they subscribe in their own time).
        let warmUntil = Date().addingTimeInterval(10)
        while !probe.allWarm && Date() < warmUntil {
            try publish("0")
            usleep(20_000)
        }
        for _ in 0..<messages {
            probe.expectAll()
            try publish(String(BenchProbe.now()))
            probe.waitForExpected(timeoutSeconds: 5)
        }
        try publish("stop")
        return LatencySummary(probe.samples())
    }

    var ratios: [BenchRatio] {
        [BenchRatio("IPC publish→receive p50 / redis PUBLISH→message p50, 32 subscribers", "ipc.pubsub.32", over: "redis.pubsub.32")]
    }
}
