import Foundation
import PortDaddyAPI
import PortDaddyCLI
import PortDaddyClient
import Synchronization

/// Lock and publish→receive measurements for `pd bench`, and the same measured against Redis.
extension BenchProbe {
    /// Lock acquire + release over one kept-alive connection.
    static func lockLatency(endpoint: DaemonEndpoint, iterations: Int, releaseOn other: DaemonEndpoint? = nil) throws -> LatencySummary {
        let connection = HTTPConnection(endpoint: endpoint)
        let releaser = other.map { HTTPConnection(endpoint: $0) } ?? connection
        let acquire = Array(#"{"owner":"bench","ttl":30}"#.utf8), release = Array(#"{"owner":"bench"}"#.utf8)
        var samples: [UInt64] = []
        for i in 0..<(iterations + 200) {
            let t0 = now()
            let a = try connection.send(method: "POST", path: Routes.acquireLock.path("bench.lock"), body: acquire)
            let r = try releaser.send(method: "DELETE", path: Routes.releaseLock.path("bench.lock"), body: release)
            if i >= 200 { samples.append(now() - t0) }
            guard a.status == 201, r.status == 200 else { throw CLIError("lock benchmark failed: \(a.status) \(r.status)") }
        }
        return LatencySummary(samples)
    }

    /// Publish→receive latency with `subscribers` SSE subscribers; each message waits until all received it.
    /// With `publishOn`, messages are published there and received on `endpoint` (two nodes of a cluster).
    static func pubSubLatency(endpoint: DaemonEndpoint, subscribers: Int, messages: Int, publishOn: DaemonEndpoint? = nil) throws
        -> LatencySummary
    {
        let channel = "bench.pubsub\(subscribers)"
        let probe = PubSubProbe(subscribers: subscribers)
        let start = try PortDaddyClient(endpoint: endpoint).channels().cursor
        for _ in 0..<subscribers {
            Thread.detachNewThread {
                let me = probe.register()
                let client = PortDaddyClient(endpoint: endpoint)
                try? client.subscribe(channel, after: start) { event in
                    guard event.event == "message", let m = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else {
                        return true
                    }
                    if m.message == "stop" { return false }
                    probe.received(sentAt: UInt64(m.message) ?? 0, by: me)
                    return true
                }
            }
        }
        let publisher = HTTPConnection(endpoint: publishOn ?? endpoint)
        // Warm up until every subscriber has received a message (they connect in their own time).
        while !probe.allWarm {
            _ = try publisher.send(method: "POST", path: Routes.publish.path(channel), body: Array(#"{"message":"0"}"#.utf8))
            usleep(20_000)
        }
        for _ in 0..<messages {
            let sent = now()
            _ = try publisher.send(method: "POST", path: Routes.publish.path(channel), body: Array(#"{"message":"\#(sent)"}"#.utf8))
            probe.waitForAll(timeoutSeconds: 5)
        }
        _ = try publisher.send(method: "POST", path: Routes.publish.path(channel), body: Array(#"{"message":"stop"}"#.utf8))
        _ = try publisher.send(method: "DELETE", path: Routes.clearChannel.path(channel), body: nil)
        return LatencySummary(probe.samples())
    }

    // MARK: Redis (RESP over TCP), measured the same way

    static func redisLockLatency(host: String, port: Int, iterations: Int) throws -> LatencySummary {
        let redis = try RESPConnection(host: host, port: port)
        var samples: [UInt64] = []
        for i in 0..<(iterations + 200) {
            let t0 = now()
            let set = try redis.command(["SET", "bench.lock", "token", "NX", "PX", "30000"])
            _ = try redis.command(["DEL", "bench.lock"])
            if i >= 200 { samples.append(now() - t0) }
            guard set.hasPrefix("+OK") else { throw CLIError("redis SET NX failed: \(set)") }
        }
        return LatencySummary(samples)
    }

    static func redisPubSubLatency(host: String, port: Int, subscribers: Int, messages: Int) throws -> LatencySummary {
        let probe = PubSubProbe(subscribers: subscribers)
        let channel = "bench.pubsub\(subscribers)"
        for _ in 0..<subscribers {
            let connection = try RESPConnection(host: host, port: port)
            _ = try connection.command(["SUBSCRIBE", channel], replies: 1)
            Thread.detachNewThread {
                let me = probe.register()
                while let payload = try? connection.readPushedMessage() {
                    if payload == "stop" { return }
                    probe.received(sentAt: UInt64(payload) ?? 0, by: me)
                }
            }
        }
        let publisher = try RESPConnection(host: host, port: port)
        for _ in 0..<messages {
            let sent = now()
            _ = try publisher.command(["PUBLISH", channel, String(sent)])
            probe.waitForAll(timeoutSeconds: 5)
        }
        _ = try publisher.command(["PUBLISH", channel, "stop"])
        return LatencySummary(probe.samples())
    }
}

/// Collects publish→receive latencies from subscriber threads.
final class PubSubProbe: @unchecked Sendable {
    let subscribers: Int
    let condition = NSCondition()
    var latencies: [UInt64] = []
    var pending = 0
    var warmed = Set<Int>()
    let nextIndex = Atomic<Int>(0)

    init(subscribers: Int) { self.subscribers = subscribers }

    /// A subscriber's index, taken once per subscriber thread.
    func register() -> Int { nextIndex.add(1, ordering: .relaxed).newValue }

    var allWarm: Bool {
        condition.lock()
        defer { condition.unlock() }
        return warmed.count >= subscribers
    }

    /// Records one delivery; `sentAt == 0` marks a warm-up message.
    func received(sentAt: UInt64, by subscriber: Int) {
        let arrived = BenchProbe.now()
        condition.lock()
        if sentAt == 0 {
            warmed.insert(subscriber)
        } else {
            latencies.append(arrived > sentAt ? arrived - sentAt : 0)
            pending -= 1
            if pending <= 0 { condition.broadcast() }
        }
        condition.unlock()
    }

    /// Expects one delivery per subscriber: call before publishing, then `waitForExpected`, so a delivery faster
    /// than the publisher's return is still counted.
    func expectAll() {
        condition.lock()
        pending += subscribers
        condition.unlock()
    }

    func waitForExpected(timeoutSeconds: Double) {
        condition.lock()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while pending > 0 && condition.wait(until: deadline) {}
        pending = 0
        condition.unlock()
    }

    func waitForAll(timeoutSeconds: Double) {
        condition.lock()
        pending += subscribers
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while pending > 0 && condition.wait(until: deadline) {}
        pending = 0
        condition.unlock()
    }

    func samples() -> [UInt64] {
        condition.lock()
        defer { condition.unlock() }
        return latencies
    }
}

/// A minimal blocking RESP client, enough for SET/DEL/PUBLISH/SUBSCRIBE.
final class RESPConnection: @unchecked Sendable {
    let fd: Int32
    var buffer: [UInt8] = []

    init(host: String, port: Int) throws {
        do { fd = try HTTPConnection.connectTCP(host: host, port: port) } catch {
            throw CLIError("cannot reach redis at \(host):\(port): \(error)")
        }
    }

    deinit { close(fd) }

    func command(_ parts: [String], replies: Int = 1) throws -> String {
        var out = "*\(parts.count)\r\n"
        for part in parts { out += "$\(part.utf8.count)\r\n\(part)\r\n" }
        let bytes = Array(out.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var last = ""
        for _ in 0..<replies { last = try readReply() }
        return last
    }

    /// Reads a `message` push of a subscribed connection and returns its payload.
    func readPushedMessage() throws -> String {
        let reply = try readReply()
        return reply.split(separator: "\n").last.map(String.init) ?? ""
    }

    func line() throws -> String {
        while true {
            if let i = HTTPConnection.find([13, 10], in: buffer) {
                let text = String(decoding: buffer[0..<i], as: UTF8.self)
                buffer.removeFirst(i + 2)
                return text
            }
            try fill()
        }
    }

    func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw CLIError("redis closed the connection") }
        buffer += chunk[0..<n]
    }

    /// One reply, flattened to text (array elements joined by newlines).
    func readReply() throws -> String {
        let head = try line()
        switch head.first {
        case "$":
            let length = Int(head.dropFirst()) ?? -1
            guard length >= 0 else { return "" }
            while buffer.count < length + 2 { try fill() }
            let text = String(decoding: buffer[0..<length], as: UTF8.self)
            buffer.removeFirst(length + 2)
            return text
        case "*":
            let count = Int(head.dropFirst()) ?? 0
            return try (0..<max(0, count)).map { _ in try readReply() }.joined(separator: "\n")
        default:
            return head
        }
    }
}
