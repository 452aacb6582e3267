import Foundation
import GRDB
import PortDaddyAPI
import PortDaddyClient
import PortDaddyTesting
import Synchronization
import Testing

/// Group commit: concurrent claims, releases and lock operations share SQLite transactions, and no answer is sent
/// before its change is durable. Proven the hard way: many clients at once, `kill -9` of the daemon as soon as
/// the last answer is in, then the registry file is read directly.
@Suite("Group commit")
struct GroupCommitTests {
    /// What one client was told.
    struct Acknowledged: Sendable {
        var held: [String: Int] = [:]
        var released: Set<String> = []
        var locks: [String: Int64] = [:]
        var failures: [String] = []
    }

    static let clients = 32
    static let perClient = 24

    /// One client's work on its own kept-alive connection: claims, every fourth released, one lock taken.
    static func work(client index: Int, socket: String) -> Acknowledged {
        let client = PortDaddyClient(endpoint: .unix(path: socket))
        var seen = Acknowledged()
        do {
            for i in 0..<perClient {
                let identity = "gc.c\(index):s\(i)"
                let answer = try client.claim(ClaimRequest(id: try Identity(parsing: identity)))
                seen.held[identity] = answer.port
                if i % 4 == 3 {
                    _ = try client.release(identity)
                    seen.held[identity] = nil
                    seen.released.insert(identity)
                }
            }
            let lock = try client.acquireLock("gc.lock\(index)", LockAcquireRequest(owner: "client\(index)", ttl: DurationValue(seconds: 600)))
            seen.locks[lock.name] = lock.token
        } catch {
            seen.failures.append("client \(index): \(error)")
        }
        return seen
    }

    /// Runs `count` clients at once, each on its own thread, and returns what each was told.
    static func runClients(_ count: Int, socket: String) -> [Acknowledged] {
        final class Answers: Sendable {
            let all = Mutex<[Acknowledged]>([])
        }
        let answers = Answers()
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                let seen = work(client: index, socket: socket)
                answers.all.withLock { $0.append(seen) }
                group.leave()
            }
        }
        group.wait()
        return answers.all.withLock { $0 }
    }

    @Test("every acknowledged claim, release and lock is in SQLite after a kill -9 right after the answers; no port twice")
    func acknowledgedMeansDurable() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let all = Self.runClients(Self.clients, socket: info.socket)
        #expect(daemon.stop(signal: SIGKILL) != 0)

        #expect(all.flatMap(\.failures).isEmpty, "\(all.flatMap(\.failures))")
        var held: [String: Int] = [:]
        for seen in all { held.merge(seen.held) { a, _ in a } }
        let released = all.reduce(into: Set<String>()) { $0.formUnion($1.released) }
        let locks = all.reduce(into: [String: Int64]()) { $0.merge($1.locks) { a, _ in a } }
        #expect(held.count == Self.clients * Self.perClient * 3 / 4)
        #expect(Set(held.values).count == held.count, "a port was handed out twice")

        let queue = try DatabaseQueue(path: daemon.home + "/registry.sqlite")
        defer { try? queue.close() }
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT identity, port FROM claims WHERE identity LIKE 'gc.%'")
        }
        var stored: [String: Int] = [:]
        for row in rows { stored[row["identity"]] = row["port"] }
        #expect(stored == held, "acknowledged claims missing or different on disk")
        #expect(released.allSatisfy { stored[$0] == nil })
        let storedLocks = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT name, token FROM locks WHERE name LIKE 'gc.%'")
        }
        var lockTokens: [String: Int64] = [:]
        for row in storedLocks { lockTokens[row["name"]] = row["token"] }
        #expect(lockTokens == locks, "acknowledged locks missing on disk")
    }

    @Test("after the kill -9, a restarted daemon serves the same claims and hands their ports to no one else")
    func restartAfterKill() throws {
        let daemon = try TestDaemon()
        let info = try daemon.start()
        let all = Self.runClients(8, socket: info.socket)
        daemon.stop(signal: SIGKILL)
        try daemon.start()
        var held: [String: Int] = [:]
        for seen in all { held.merge(seen.held) { a, _ in a } }
        let services = try daemon.client().services().services.filter { $0.id.hasPrefix("gc.") }
        #expect(Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0.port) }) == held)
        let newcomer = try daemon.client().claim(ClaimRequest(id: try Identity(parsing: "gc.newcomer")))
        #expect(!held.values.contains(newcomer.port))
    }
}
