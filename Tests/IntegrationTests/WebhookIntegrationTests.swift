import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Testing

/// The Python receiver of `Tests/webhooks/receiver.py`: verifies each delivery as the README tells users to and logs
/// one JSON line per POST.
final class WebhookReceiver {
    struct Hit {
        var delivery: String
        var event: String
        var timestamp: Int64?
        var received: Double
        var valid: Bool
        var status: Int
        var subject: String?
        var bodyID: String?
        var path: String?
        /// Requests in flight at the receiver when this one arrived: in all, and to its path.
        var inflight: Int
        var inflightPath: Int
    }

    let dir: String
    let secret: String
    var process: RunningCommand?
    private(set) var port = 0

    init(dir: String, secret: String = "receiver-secret-0123456789") throws {
        self.dir = dir
        self.secret = secret
        try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
    }

    var secretFile: String { dir + "/webhook.secret" }
    var log: String { dir + "/receiver.log" }

    /// Starts listening on `port` (0: any), answering `answers` in order and then 200.
    func start(port wanted: Int = 0, answers: [Int] = [], delay: Double = 0, firstDelay: Double = 0) throws {
        let portFile = dir + "/receiver.port"
        try? FileManager.default.removeItem(atPath: portFile)
        let script = TestDependencies.root + "/Tests/webhooks/receiver.py"
        var arguments = [script, "--secret-file", secretFile, "--log", log, "--port-file", portFile, "--port", String(wanted)]
        if !answers.isEmpty { arguments += ["--answers", answers.map(String.init).joined(separator: ",")] }
        if delay > 0 { arguments += ["--delay", String(delay)] }
        if firstDelay > 0 { arguments += ["--first-delay", String(firstDelay)] }
        let running = try RunningCommand(try TestDependencies.python(), arguments, environment: ProcessInfo.processInfo.environment)
        process = running
        guard eventually(timeout: 30, { FileManager.default.fileExists(atPath: portFile) }) else {
            throw TestFailure("receiver did not start: \(running.outputSoFar)")
        }
        port = Int((try String(contentsOfFile: portFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func stop() {
        guard let process else { return }
        kill(process.pid, SIGKILL)
        _ = process.wait()
        self.process = nil
    }

    deinit { stop() }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    var hits: [Hit] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let body = object["body"] as? [String: Any]
            let data = body?["data"] as? [String: Any]
            return Hit(
                delivery: object["delivery"] as? String ?? "", event: object["event"] as? String ?? "",
                timestamp: (object["timestamp"] as? NSNumber)?.int64Value, received: (object["received"] as? NSNumber)?.doubleValue ?? 0,
                valid: object["valid"] as? Bool ?? false, status: (object["status"] as? NSNumber)?.intValue ?? 0,
                subject: data?["subject"] as? String, bodyID: body?["id"] as? String, path: object["path"] as? String,
                inflight: (object["inflight"] as? NSNumber)?.intValue ?? 0, inflightPath: (object["inflight_path"] as? NSNumber)?.intValue ?? 0)
        }
    }
}

@Suite("Webhooks: signed deliveries through a durable outbox")
struct WebhookIntegrationTests {
    /// Registers `url` with the receiver's secret file; returns the webhook's id.
    func register(_ daemon: TestDaemon, _ url: String, events: String, secretFile: String) throws -> String {
        let added = try daemon.pd(["webhooks", "add", url, "--events", events, "--secret-file", secretFile, "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let created = try JSONDecoder().decode(WebhookCreated.self, from: Data(added.stdout.utf8))
        #expect(created.secret == nil)
        return created.webhook.id
    }

    func deliveries(_ daemon: TestDaemon, _ id: String, failed: Bool = false) throws -> [WebhookDeliveryInfo] {
        let result = try daemon.pd(["webhooks", "deliveries", id, "--json", "--limit", "100"] + (failed ? ["--failed"] : []))
        guard result.status == 0 else { throw TestFailure(result.stderr) }
        return try JSONDecoder().decode(WebhookDeliveriesResponse.self, from: Data(result.stdout.utf8)).deliveries
    }

    @Test("pd claim → the receiver gets claim.created with a valid HMAC and a timestamp within 5 s")
    func delivers() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let receiver = try WebhookReceiver(dir: daemon.home)
        try receiver.start()
        let id = try register(daemon, receiver.url, events: "claim.*", secretFile: receiver.secretFile)
        #expect(try daemon.pd(["claim", "hooked:api", "-q"]).status == 0)
        #expect(eventually(timeout: 30) { receiver.hits.contains { $0.event == "claim.created" } })
        let hit = try #require(receiver.hits.first { $0.event == "claim.created" })
        #expect(hit.valid, "the README's verification failed")
        #expect(abs(Double(hit.timestamp ?? 0) - hit.received) <= 5)
        #expect(hit.subject == "hooked:api" && hit.bodyID == hit.delivery && UUID(uuidString: hit.delivery) != nil)
        #expect(eventually(timeout: 30) { (try? deliveries(daemon, id).first?.state) == .delivered })
        let listed = try daemon.pd(["webhooks"])
        #expect(listed.status == 0 && listed.stdout.contains(id) && listed.stdout.contains(receiver.url))
        // pd webhooks test: a webhook.test delivery, signed the same way.
        let test = try daemon.pd(["webhooks", "test", id])
        #expect(test.status == 0 && test.stdout.contains("delivered"), "\(test.stdout) \(test.stderr)")
        #expect(receiver.hits.contains { $0.event == "webhook.test" && $0.valid })
        #expect(try daemon.pd(["webhook", "rm", id]).status == 0)
        #expect(try daemon.pd(["webhooks", "deliveries", id]).status == 5)
    }

    @Test("500, 302 (not followed), 200 to a named host → three attempts, one X-PD-Delivery id, backing off; pd webhooks deliveries shows them")
    func retries() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_WEBHOOK_BACKOFF": "0.1"])
        try daemon.start()
        let receiver = try WebhookReceiver(dir: daemon.home)
        try receiver.start(answers: [500, 302])
        // A host name: resolved and checked before each attempt, then the checked address is connected to.
        let id = try register(daemon, "http://localhost:\(receiver.port)/hook", events: "claim.created", secretFile: receiver.secretFile)
        #expect(try daemon.pd(["claim", "retry:api", "-q"]).status == 0)
        #expect(eventually(timeout: 60) { receiver.hits.count >= 3 })
        let hits = receiver.hits
        #expect(hits.map(\.status) == [500, 302, 200] && Set(hits.map(\.delivery)).count == 1 && hits.allSatisfy(\.valid))
        // The redirect was not followed: every request was a POST to /hook.
        #expect(hits.allSatisfy { $0.path == "/hook" })
        // The backoff is observed (lower bounds only: 1 s and 2 s scaled by 0.1).
        #expect(hits[1].received - hits[0].received >= 0.1 && hits[2].received - hits[1].received >= 0.2)
        #expect(eventually(timeout: 30) { (try? deliveries(daemon, id).first?.state) == .delivered })
        let delivery = try #require(try deliveries(daemon, id).first)
        #expect(delivery.id == hits[0].delivery && delivery.attempts.map(\.status) == [500, 302, 200])
        let table = try daemon.pd(["webhooks", "deliveries", id])
        #expect(table.stdout.contains(delivery.id) && table.stdout.contains("delivered") && table.stdout.contains("HTTP 200"))
    }

    @Test("kill -9 with 20 pending deliveries → after the restart all 20 arrive, in order, one id per event")
    func survivesKill() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let receiver = try WebhookReceiver(dir: daemon.home)
        try receiver.start()
        let port = receiver.port
        receiver.stop()
        let id = try register(daemon, receiver.url, events: "claim.*", secretFile: receiver.secretFile)
        let names = (1...20).map { "crash:s\($0)" }
        for name in names { #expect(try daemon.pd(["claim", name, "-q"]).status == 0) }
        #expect(eventually(timeout: 30) { (try? deliveries(daemon, id).filter { $0.state == .pending }.count) == 20 })
        daemon.stop(signal: SIGKILL)
        try receiver.start(port: port)
        try daemon.start()
        #expect(eventually(timeout: 120) { Set(receiver.hits.compactMap(\.subject)).count == 20 }, "\(receiver.hits.count) hits")
        let hits = receiver.hits
        var firstSeen: [String] = []
        var ids: [String: Set<String>] = [:]
        for hit in hits {
            guard let subject = hit.subject else { continue }
            if !firstSeen.contains(subject) { firstSeen.append(subject) }
            ids[subject, default: []].insert(hit.delivery)
        }
        #expect(firstSeen == names)
        #expect(ids.values.allSatisfy { $0.count == 1 } && hits.allSatisfy(\.valid))
    }

    @Test("10 webhooks, 3 events each, a slow receiver: at most 8 deliveries in flight, one per webhook, each in order")
    func concurrency() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let receiver = try WebhookReceiver(dir: daemon.home)
        try receiver.start(delay: 0.5)
        for n in 0..<10 {
            _ = try register(daemon, "http://127.0.0.1:\(receiver.port)/h\(n)", events: "claim.created", secretFile: receiver.secretFile)
        }
        let names = ["busy:a", "busy:b", "busy:c"]
        for name in names { #expect(try daemon.pd(["claim", name, "-q"]).status == 0) }
        #expect(eventually(timeout: 120) { receiver.hits.count >= 30 }, "\(receiver.hits.count) hits")
        let hits = receiver.hits
        #expect(hits.count == 30 && hits.allSatisfy(\.valid))
        #expect(hits.map(\.inflight).max() ?? 0 <= 8 && (hits.map(\.inflight).max() ?? 0) >= 2, "\(hits.map(\.inflight))")
        #expect(hits.allSatisfy { $0.inflightPath == 1 })
        for n in 0..<10 {
            #expect(hits.filter { $0.path == "/h\(n)" }.compactMap(\.subject) == names)
        }
    }

    @Test("a receiver that takes longer than 10 s: that attempt times out and the delivery is sent again")
    func timeout() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_WEBHOOK_BACKOFF": "0.01"])
        try daemon.start()
        let receiver = try WebhookReceiver(dir: daemon.home)
        try receiver.start(firstDelay: 13)
        let id = try register(daemon, receiver.url, events: "claim.created", secretFile: receiver.secretFile)
        #expect(try daemon.pd(["claim", "slow:api", "-q"]).status == 0)
        #expect(eventually(timeout: 90) { (try? deliveries(daemon, id).first?.state) == .delivered })
        let delivery = try #require(try deliveries(daemon, id).first)
        #expect(delivery.attempts.count == 2 && delivery.attempts[0].error?.contains("timed out") == true, "\(delivery.attempts)")
        #expect(delivery.attempts[1].status == 200)
    }

    @Test("a dead endpoint: deliveries end failed after the scaled backoff, and the daemon keeps serving claims")
    func deadEndpoint() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_WEBHOOK_BACKOFF": "0.01"])
        try daemon.start()
        let closed = try Listener(port: 0, host: "127.0.0.1")
        let port = closed.port
        closed.close()
        let secret = daemon.home + "/secret"
        try "dead-endpoint-secret-0123".write(toFile: secret, atomically: true, encoding: .utf8)
        let id = try register(daemon, "http://127.0.0.1:\(port)/hook", events: "*", secretFile: secret)
        #expect(try daemon.pd(["claim", "dead:one", "-q"]).status == 0)
        #expect(try daemon.pd(["claim", "dead:two", "-q"]).status == 0)
        #expect(eventually(timeout: 60) { (try? deliveries(daemon, id, failed: true).count) == 2 })
        let failed = try deliveries(daemon, id, failed: true)
        #expect(failed.allSatisfy { $0.attempts.count == 7 && $0.attempts.allSatisfy { $0.status == nil && $0.error != nil } })
        #expect(try daemon.pd(["claim", "dead:three", "-q"]).status == 0)
        let listed = try daemon.pd(["webhooks", "--json"])
        let info = try #require(try JSONDecoder().decode(WebhooksResponse.self, from: Data(listed.stdout.utf8)).webhooks.first)
        #expect(info.failed == 2 && info.lastError != nil)
        #expect(try daemon.pd(["webhooks", "deliveries", id, "--failed"]).stdout.contains("failed"))
    }

    @Test("authority, origin, refused addresses, and the secret never shown again")
    func authorityAndAddresses() throws {
        let daemon = try TestDaemon(environment: ["PORT_DADDY_WEBHOOK_BACKOFF": "0.01"])
        let info = try daemon.start()
        let tcp = HTTPConnection(endpoint: .tcp(host: "127.0.0.1", port: info.tcpPort))
        let token = try String(contentsOfFile: daemon.portDaddyEnvironment.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let body = Array(#"{"url":"http://127.0.0.1:9/x","events":["*"]}"#.utf8)
        let anonymous = try tcp.send(method: "POST", path: "/webhooks", body: body)
        #expect(anonymous.status == 401 && String(decoding: anonymous.body, as: UTF8.self).contains("UNTRUSTED_CALLER"))
        #expect(try tcp.send(method: "GET", path: "/webhooks").status == 401)
        let foreign = try tcp.send(
            method: "POST", path: "/webhooks", body: body, headers: [("X-PD-Token", token), ("Origin", "http://evil.example")])
        #expect(foreign.status == 403)
        #expect(try tcp.send(method: "GET", path: "/webhooks", headers: [("X-PD-Token", token)]).status == 200)
        // Literal addresses are refused at registration, before any connection could be made.
        let metadata = try daemon.pd(["webhooks", "add", "http://169.254.169.254/latest/meta-data", "--events", "*"])
        #expect(metadata.status == 2 && metadata.stderr.contains("link-local"), "\(metadata.stderr)")
        let privateAddress = try daemon.pd(["webhooks", "add", "https://10.0.0.1/hook", "--events", "*"])
        #expect(privateAddress.status == 2 && privateAddress.stderr.contains("--allow-private"))
        let plainPublic = try daemon.pd(["webhooks", "add", "http://93.184.216.34/hook", "--events", "*"])
        #expect(plainPublic.status == 2 && plainPublic.stderr.contains("https"))
        // Allowed with --allow-private, then removed at once (nothing here may send to 10.0.0.1).
        let allowed = try daemon.pd(["webhooks", "add", "https://10.0.0.1/hook", "--events", "agent.dead", "--allow-private", "--json"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let privateID = try JSONDecoder().decode(WebhookCreated.self, from: Data(allowed.stdout.utf8)).webhook.id
        #expect(try daemon.pd(["webhooks", "rm", privateID]).status == 0)
        // A made secret is shown once; then nowhere: not in pd webhooks, GET /webhooks, or the daemon's log.
        let closed = try Listener(port: 0, host: "127.0.0.1")
        closed.close()
        let made = try daemon.pd(["webhooks", "add", "http://127.0.0.1:\(closed.port)/hook", "--events", "claim.*"])
        #expect(made.status == 0)
        let secret = try #require(made.stdout.split(separator: "\n").first { $0.hasPrefix("secret ") }.map { String($0.dropFirst(7)) })
        #expect(secret.count == 64)
        #expect(try daemon.pd(["claim", "secret:probe", "-q"]).status == 0)
        let id = try #require(made.stdout.split(separator: " ").first.map(String.init))
        #expect(eventually(timeout: 60) { (try? deliveries(daemon, id, failed: true).count) == 1 })
        for output in [try daemon.pd(["webhooks"]).stdout, try daemon.pd(["webhooks", "--json"]).stdout, try daemon.pd(["webhook", "list"]).stdout] {
            #expect(output.contains(id) && !output.contains(secret))
        }
        let answer = try tcp.send(method: "GET", path: "/webhooks", headers: [("X-PD-Token", token)])
        #expect(String(decoding: answer.body, as: UTF8.self).contains(id) && !String(decoding: answer.body, as: UTF8.self).contains(secret))
        #expect(try daemon.pd(["webhooks", "deliveries", id, "--json"]).stdout.contains(secret) == false)
        daemon.stop()
        #expect(daemon.daemonLog.contains("parked") && !daemon.daemonLog.contains(secret))
    }
}
