import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Synchronization
import Testing

@Suite("Channels against a real daemon")
struct ChannelIntegrationTests {
    /// Collects the message ids one subscriber saw.
    final class Received: Sendable {
        let ids = Mutex<[Int64]>([])
        let bodies = Mutex<[String]>([])
    }

    @Test("200 subscribers each receive every one of 1,000 messages, in order")
    func fanOut() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let endpoint = DaemonEndpoint.unix(path: daemon.home + "/pd.sock")
        let subscribers = 200, messages = 1000
        let received = (0..<subscribers).map { _ in Received() }
        let group = DispatchGroup()
        for sink in received {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let client = PortDaddyClient(endpoint: endpoint)
                // Cursor 0: whatever was published before this subscriber connected is replayed first.
                try? client.subscribe("fanout:*", after: 0) { event in
                    guard event.event == "message", let m = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else {
                        return true
                    }
                    sink.ids.withLock { $0.append(m.id) }
                    sink.bodies.withLock { $0.append(m.message) }
                    return m.message != "m\(messages - 1)"
                }
            }
        }
        let publisher = daemon.client()
        for i in 0..<messages {
            _ = try publisher.publish("fanout:\(i % 3)", PublishRequest(message: "m\(i)"))
        }
        #expect(group.wait(timeout: .now() + 300) == .success)
        let expected = (0..<messages).map { "m\($0)" }
        for sink in received {
            #expect(sink.bodies.withLock { $0 } == expected)
            let ids = sink.ids.withLock { $0 }
            #expect(ids == ids.sorted())
        }
    }

    @Test("with many publishers at once, live subscribers still get every message in id order")
    func concurrentPublishers() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let endpoint = DaemonEndpoint.unix(path: daemon.home + "/pd.sock")
        let publishers = 8, each = 150, subscribers = 4
        let received = (0..<subscribers).map { _ in Received() }
        let ready = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for sink in received {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var signalled = false
                // Live only (no cursor): a probe message tells the test this subscriber is connected.
                try? PortDaddyClient(endpoint: endpoint).subscribe("busy", after: nil) { event in
                    guard let m = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else { return true }
                    if m.message == "probe" {
                        if !signalled { ready.signal() }
                        signalled = true
                        return true
                    }
                    sink.ids.withLock { $0.append(m.id) }
                    return sink.ids.withLock { $0.count } < publishers * each
                }
            }
        }
        var connected = 0
        while connected < subscribers {
            _ = try daemon.client().publish("busy", PublishRequest(message: "probe"))
            while ready.wait(timeout: .now() + 0.05) == .success { connected += 1 }
        }
        let writers = DispatchGroup()
        for p in 0..<publishers {
            writers.enter()
            Thread.detachNewThread {
                defer { writers.leave() }
                let client = PortDaddyClient(endpoint: endpoint)
                for i in 0..<each { _ = try? client.publish("busy", PublishRequest(message: "p\(p)-\(i)")) }
            }
        }
        writers.wait()
        #expect(group.wait(timeout: .now() + 120) == .success)
        for sink in received {
            let ids = sink.ids.withLock { $0 }
            #expect(ids.count == publishers * each)
            #expect(ids == ids.sorted())
        }
    }

    @Test("a subscriber that reconnects with its last id misses nothing")
    func resumeFromCursor() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = daemon.client()
        for i in 0..<10 { _ = try client.publish("resume", PublishRequest(message: "a\(i)")) }
        var seen: [String] = []
        var cursor: Int64 = 0
        try PortDaddyClient(endpoint: client.endpoint).subscribe("resume", after: 0) { event in
            guard let m = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else { return true }
            seen.append(m.message)
            cursor = m.id
            return seen.count < 4
        }
        for i in 10..<20 { _ = try client.publish("resume", PublishRequest(message: "a\(i)")) }
        try PortDaddyClient(endpoint: client.endpoint).subscribe("resume", after: cursor) { event in
            guard let m = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else { return true }
            seen.append(m.message)
            return m.message != "a19"
        }
        #expect(seen == (0..<20).map { "a\($0)" })
    }

    @Test("pd pub, pd sub --once, pd channels, pd channels clear")
    func cliRoundTrip() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        // --since 0: however late the subscriber connects, it replays from the start.
        let waiting = try daemon.spawnPD(["sub", "team:*", "--once", "--json", "--since", "0"])
        let id = try daemon.pd(["pub", "team:ops", "-", "--signal", "ready", "--sender", "ci"], stdin: "deploy done\n")
        #expect(id.output == "1")
        let got = waiting.wait()
        #expect(got.status == 0)
        let message = try JSONDecoder().decode(ChannelMessageInfo.self, from: Data(got.output.utf8))
        #expect(message.message == "deploy done" && message.signal == "ready" && message.sender == "ci" && message.channel == "team:ops")
        let replay = try daemon.pd(["sub", "team:ops", "--once", "--since", "0"])
        #expect(replay.output.contains("deploy done"))
        let list = try JSONDecoder().decode(ChannelsResponse.self, from: Data(try daemon.pd(["channels", "--json"]).stdout.utf8))
        #expect(list.channels.map(\.channel) == ["team:ops"])
        #expect(try daemon.pd(["channels", "clear", "team:ops"]).output == "cleared 1 message(s) from team:ops")
        #expect(try daemon.pd(["pub", "team:ops", "x", "--signal", "bogus"]).status == 2)
        #expect(try daemon.pd(["pub", "Bad Channel", "x"]).status == 2)
    }

    @Test("pd watch runs the program once per message, with the message on stdin and in its environment")
    func watchRunsProgram() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let out = daemon.home + "/watch.out"
        let watcher = try daemon.spawnPD([
            "watch", "jobs", "--concurrency", "2", "--exec", "/bin/sh", "-c", #"echo "$PD_MESSAGE_ID $PD_CHANNEL $(cat)" >> "$0""#, out,
        ])
        defer {
            kill(watcher.pid, SIGTERM)
            _ = watcher.wait()
        }
        // The watcher starts from the cursor it reads at start; wait until it is connected by publishing a probe
        // until one lands in the file.
        #expect(
            try eventually {
                _ = try daemon.client().publish("jobs", PublishRequest(message: "probe"))
                return FileManager.default.fileExists(atPath: out)
            })
        for i in 0..<5 { _ = try daemon.client().publish("jobs", PublishRequest(message: "job \(i)")) }
        #expect(
            eventually {
                let lines = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
                return (0..<5).allSatisfy { lines.contains("jobs job \($0)") }
            })
    }

    @Test("long-poll answers when a message arrives")
    func longPoll() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = daemon.client()
        let endpoint = client.endpoint
        let result = Mutex<ChannelHistoryResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let poller = PortDaddyClient(endpoint: endpoint)
            let answer: ChannelHistoryResponse? = try? poller.call("GET", "/channels/poll:*/poll?after=0&timeout=60")
            result.withLock { $0 = answer }
            done.signal()
        }
        usleep(200_000)
        _ = try client.publish("poll:x", PublishRequest(message: "wake"))
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(result.withLock { $0 }?.messages.map(\.message) == ["wake"])
        let empty: ChannelHistoryResponse = try client.call("GET", "/channels/none/poll?after=0&timeout=0.2")
        #expect(empty.messages.isEmpty)
    }

    @Test("a restart keeps messages, and SIGTERM is not held up by an open subscriber")
    func restartAndShutdown() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        for i in 0..<3 { _ = try daemon.client().publish("keep", PublishRequest(message: "k\(i)")) }
        let subscriber = try daemon.spawnPD(["sub", "keep"])
        #expect(try eventually { try daemon.client().status().pid > 0 })
        usleep(300_000)
        #expect(daemon.stop(signal: SIGTERM) == 0)
        kill(subscriber.pid, SIGTERM)
        _ = subscriber.wait()
        try daemon.start()
        #expect(try daemon.client().history("keep", after: 0).messages.map(\.message) == ["k0", "k1", "k2"])
        #expect(try daemon.client().publish("keep", PublishRequest(message: "k3")).id == 4)
    }

    @Test("bad channel input gets clear errors")
    func badInput() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = daemon.client()
        for (path, body, code) in [
            ("/channels/bad%20name", #"{"message":"x"}"#, ErrorCode.invalidChannel.rawValue),
            ("/channels/ok", #"{"message":"x","signal":"nope"}"#, ErrorCode.invalidSignal.rawValue),
            ("/channels/ok", #"{"nomessage":1}"#, ErrorCode.invalidRequest.rawValue),
        ] {
            let response = try client.send("POST", path, body: Array(body.utf8))
            #expect(response.status == 400)
            #expect(String(decoding: response.body, as: UTF8.self).contains(code))
        }
        let big = try client.send("POST", "/channels/ok", body: Array("{\"message\":\"\(String(repeating: "x", count: 40000))\"}".utf8))
        #expect(big.status == 400)
        #expect(try client.send("GET", "/channels/ok/subscribe", body: nil, headers: [("Last-Event-ID", "abc")]).status == 400)
    }
}

/// Subscribers that never read cannot make the daemon hold unbounded memory: each is dropped once it lags a megabyte
/// behind, and its connection closed.
@Suite("Stuck SSE subscribers")
struct StuckSubscriberTests {
    @Test("six subscribers that never read are cut off while 6 MB is published; the daemon keeps serving")
    func stuckSubscribersAreDropped() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let script = """
            import http.client, json, socket, time
            PORT = \(info.tcpPort)
            stuck = []
            for _ in range(6):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect(("127.0.0.1", PORT))
                s.sendall(b"GET /channels/storm/subscribe HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
                stuck.append(s)
            time.sleep(0.5)
            publisher = http.client.HTTPConnection("127.0.0.1", PORT)
            body = json.dumps({"message": "x" * 30000})
            for _ in range(200):
                publisher.request("POST", "/channels/storm", body, {"Content-Type": "application/json"})
                publisher.getresponse().read()
            closed = 0
            for s in stuck:
                s.settimeout(30)
                try:
                    while s.recv(65536): pass
                    closed += 1
                except socket.timeout:
                    pass
            print(closed)
            publisher.request("GET", "/health")
            print(publisher.getresponse().status)
            """
        let result = try CommandResult.run("/usr/bin/env", ["python3", "-c", script], environment: daemon.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.output.split(separator: "\n") == ["6", "200"], "\(result.output)")
    }
}
