import PortDaddyAPI
import Synchronization

/// Harbors: the scope of tuples and pheromones. A harbor nobody declared (`global`, or any name written to) is
/// open. A declared one may be **closed** (only members write) and **ephemeral** (shredded, with its tuples and
/// pheromones, when its last member leaves or is declared dead), and may expire.
///
/// Agent ids are self-asserted labels, so membership is coordination hygiene, not security.
public final class HarborService: Sendable {
    let store: any HarborStore
    let clock: any WallClock
    let activity: ActivityLog?
    /// Declared harbors by name (few; loaded at start).
    let declared: Mutex<[String: HarborRecord]>
    /// The arbiter, told when a non-member's write is refused.
    public let watcher = WatcherSlot()

    public init(store: any HarborStore, clock: any WallClock = SystemWallClock(), activity: ActivityLog? = nil) throws(PortDaddyError) {
        self.store = store
        self.clock = clock
        self.activity = activity
        var initial: [String: HarborRecord] = [:]
        for harbor in try store.loadHarbors() { initial[harbor.name] = harbor }
        declared = Mutex(initial)
    }

    /// Declares a harbor; the creating agent (when known) is its first member.
    public func create(_ request: HarborCreateRequest, by agent: String?) throws(PortDaddyError) -> HarborInfo {
        let name = try Self.name(request.name)
        let now = clock.nowMillis()
        let record = HarborRecord(
            name: name, closed: request.closed ?? false, ephemeral: request.ephemeral ?? false, createdBy: agent, createdAt: now,
            expiresAt: request.ttl.map { now + Int64($0.seconds * 1000) },
            members: agent.map { [HarborMember(agent: $0, joinedAt: now)] } ?? [])
        guard name != HarborName.global else { throw .invalidRequest("harbor global always exists and is open; pick another name") }
        try declared.withLock { (map: inout [String: HarborRecord]) throws(PortDaddyError) in
            guard try store.insertHarbor(record) else {
                throw .invalidRequest("harbor \(name) already exists; enter it (pd harbor enter \(name)) or destroy it first")
            }
            map[name] = record
        }
        activity?.record(.harborCreate, actor: agent, subject: name, detail: Self.traits(record))
        return try info(name)
    }

    /// One harbor: declared, or open with whatever it holds.
    public func info(_ raw: String) throws(PortDaddyError) -> HarborInfo {
        let name = try Self.name(raw)
        let contents = try store.harborContents(now: clock.nowMillis())[name]
        if let record = declared.withLock({ $0[name] }) { return Self.info(record, contents) }
        return HarborInfo(
            name: name, declared: false, closed: false, ephemeral: false, createdBy: nil, createdAt: nil, expiresAt: nil, members: [],
            tuples: contents?.tuples ?? 0, pheromones: contents?.pheromones ?? 0)
    }

    /// Declared harbors, `global`, and any other harbor holding tuples or pheromones, by name.
    public func list() throws(PortDaddyError) -> [HarborInfo] {
        let contents = try store.harborContents(now: clock.nowMillis())
        let records = declared.withLock { $0 }
        let names = Set(records.keys).union(contents.keys).union([HarborName.global])
        return names.sorted().map { name in
            if let record = records[name] { return Self.info(record, contents[name]) }
            return HarborInfo(
                name: name, declared: false, closed: false, ephemeral: false, createdBy: nil, createdAt: nil, expiresAt: nil, members: [],
                tuples: contents[name]?.tuples ?? 0, pheromones: contents[name]?.pheromones ?? 0)
        }
    }

    /// The agent becomes a member of a declared harbor (entering twice is harmless).
    public func enter(_ raw: String, agent: String) throws(PortDaddyError) -> HarborInfo {
        let name = try Self.name(raw)
        let now = clock.nowMillis()
        try declared.withLock { (map: inout [String: HarborRecord]) throws(PortDaddyError) in
            guard var record = map[name] else { throw Self.undeclared(name) }
            guard !record.members.contains(where: { $0.agent == agent }) else { return }
            try store.addHarborMember(name, agent: agent, at: now)
            record.members.append(HarborMember(agent: agent, joinedAt: now))
            map[name] = record
        }
        activity?.record(.harborEnter, actor: agent, subject: name)
        return try info(name)
    }

    /// The agent leaves; an ephemeral harbor left empty is destroyed with its contents.
    public func leave(_ raw: String, agent: String) throws(PortDaddyError) -> HarborInfo {
        let name = try Self.name(raw)
        guard declared.withLock({ $0[name] }) != nil else { throw Self.undeclared(name) }
        let before = try info(name)
        try depart(agent, from: [name])
        activity?.record(.harborLeave, actor: agent, subject: name)
        var after = before
        after.members.removeAll { $0.agent == agent }
        return declared.withLock({ $0[name] }) == nil ? after : try info(name)
    }

    /// Agents that left for good (declared dead, unregistered): out of every harbor; ephemeral harbors they
    /// leave empty are destroyed.
    public func agentsLeft(_ agents: [String]) {
        for agent in agents {
            let names = declared.withLock { map in map.values.filter { $0.members.contains { $0.agent == agent } }.map(\.name) }
            try? depart(agent, from: names)
        }
    }

    /// Destroys a harbor (declared or not) with its tuples and pheromones.
    public func destroy(_ raw: String, by agent: String?, why: String = "destroyed") throws(PortDaddyError) -> HarborDestroyResponse {
        let name = try Self.name(raw)
        let removed = try declared.withLock { (map: inout [String: HarborRecord]) throws(PortDaddyError) in
            let removed = try store.destroyHarbor(name)
            map[name] = nil
            return removed
        }
        activity?.record(.harborDestroy, actor: agent, subject: name, detail: "\(why): \(removed.tuples) tuples, \(removed.pheromones) pheromones")
        return HarborDestroyResponse(name: name, tuples: removed.tuples, pheromones: removed.pheromones)
    }

    /// Destroys declared harbors whose TTL passed (the reaper pass); returns their names.
    @discardableResult
    public func reap() -> [String] {
        let now = clock.nowMillis()
        let expired = declared.withLock { map in map.values.filter { ($0.expiresAt ?? .max) <= now }.map(\.name) }
        return expired.filter { (try? destroy($0, by: nil, why: "expired")) != nil }
    }

    /// Refuses a write to a closed harbor by a non-member (403 `NOT_HARBOR_MEMBER`).
    public func checkWrite(_ harbor: String, agent: String?) throws(PortDaddyError) {
        let allowed = declared.withLock { map -> Bool in
            guard let record = map[harbor], record.closed else { return true }
            return agent.map { agent in record.members.contains { $0.agent == agent } } ?? false
        }
        if !allowed {
            watcher.current?.harborWriteRefused(harbor, agent: agent)
            throw .notHarborMember(harbor: harbor, agent: agent)
        }
    }

    // MARK: - Internals

    func depart(_ agent: String, from names: [String]) throws(PortDaddyError) {
        var emptied: [String] = []
        try declared.withLock { (map: inout [String: HarborRecord]) throws(PortDaddyError) in
            for name in names {
                guard var record = map[name], record.members.contains(where: { $0.agent == agent }) else { continue }
                try store.removeHarborMember(name, agent: agent)
                record.members.removeAll { $0.agent == agent }
                map[name] = record
                if record.ephemeral && record.members.isEmpty { emptied.append(name) }
            }
        }
        for name in emptied { _ = try destroy(name, by: agent, why: "ephemeral, last member gone") }
    }

    static func name(_ raw: String) throws(PortDaddyError) -> String {
        do { return try HarborName.validated(raw) } catch { throw PortDaddyError(error) }
    }

    static func undeclared(_ name: String) -> PortDaddyError {
        .notFound("harbor \(name) was not created; create it with pd harbor create \(name)")
    }

    static func traits(_ record: HarborRecord) -> String {
        [record.closed ? "closed" : "open", record.ephemeral ? "ephemeral" : nil, record.expiresAt.map { _ in "expires" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    static func info(_ record: HarborRecord, _ contents: (tuples: Int, pheromones: Int)?) -> HarborInfo {
        HarborInfo(
            name: record.name, declared: true, closed: record.closed, ephemeral: record.ephemeral, createdBy: record.createdBy,
            createdAt: record.createdAt, expiresAt: record.expiresAt, members: record.members, tuples: contents?.tuples ?? 0,
            pheromones: contents?.pheromones ?? 0)
    }
}
