import PortDaddyAPI
import Synchronization

/// Pheromones: trails on services, files, agents, sessions, channels or anything, stored as
/// `(harbor, kind, id, key) → (v0, t0, halfLife)` and decayed when read, `v0 · 2^−((now − t0) / halfLife)`: no
/// timer rewrites them. Sprays are serialised under one lock, so concurrent `add`s sum exactly. Rows that faded
/// under ``faded`` are deleted on the reaper pass.
///
/// File claims feed it automatically (``CoordinationObserver``): every refused claim sprays `contention` +0.2 on
/// the file, every granted one `interest` +0.05, so the heat map shows real conflicts without any agent's help.
public final class PheromoneService: Sendable {
    let store: any PheromoneStore
    let harbors: HarborService
    let clock: any WallClock
    /// Seconds, when a spray names none (`PORT_DADDY_PHEROMONE_HALF_LIFE`, default 10 minutes).
    public let defaultHalfLife: Double
    let lock = Mutex(())

    /// Values below this are gone: not listed, and pruned.
    public static let faded = 0.001
    public static let defaultHalfLifeSeconds: Double = 600
    /// What a refused file claim sprays (`contention`) and a granted one (`interest`).
    public static let contention = (key: "contention", strength: 0.2)
    public static let interest = (key: "interest", strength: 0.05)

    public init(store: any PheromoneStore, harbors: HarborService, clock: any WallClock = SystemWallClock(), defaultHalfLife: Double = 600) {
        self.store = store
        self.harbors = harbors
        self.clock = clock
        self.defaultHalfLife = defaultHalfLife
    }

    /// A checked spray, ready to apply.
    struct Spray {
        var harbor: String
        var kind: String
        var id: String
        var key: String
        var strength: Double
        var mode: PheromoneMode
        var halfLife: Double
    }

    /// Validates and applies a spray; returns the trail as it is now.
    public func spray(_ request: PheromoneSprayRequest, by agent: String?) throws(PortDaddyError) -> PheromoneInfo {
        let spray = try checked(request, by: agent)
        let row = try lock.withLock { _ throws(PortDaddyError) in try apply(spray) }
        return Self.info(row, now: row.t0)
    }

    /// Checks a spray from the wire: harbor (and its membership), kind, id, key, strength, half-life.
    func checked(_ request: PheromoneSprayRequest, by agent: String?) throws(PortDaddyError) -> Spray {
        let harbor: String
        let kind: PheromoneKind
        do {
            harbor = try HarborName.resolved(request.harbor)
            kind = try PheromoneKind.parse(request.kind)
        } catch { throw PortDaddyError(error) }
        let id = request.id.trimmingWhitespace()
        guard !id.isEmpty, id.utf8.count <= 1024 else { throw .invalidRequest("a pheromone id is 1 to 1024 bytes") }
        let key = request.key.trimmingWhitespace().lowercased()
        guard !key.isEmpty, key.utf8.count <= 63, key.utf8.allSatisfy({ Identity.isAllowed($0) }) else {
            throw .invalidRequest("pheromone key \"\(request.key)\" is not valid; use 1-63 characters of a-z, 0-9, '.', '_' and '-'")
        }
        guard request.strength.isFinite, (0...1).contains(request.strength) else { throw .invalidRequest("strength must be 0 to 1") }
        let halfLife = request.halfLife?.seconds ?? defaultHalfLife
        try harbors.checkWrite(harbor, agent: agent)
        return Spray(
            harbor: harbor, kind: kind.rawValue, id: id, key: key, strength: request.strength, mode: request.mode ?? .add, halfLife: halfLife)
    }

    /// Every key on one thing (in one harbor, or all), decayed to now, with their sum capped at 1.
    public func sniff(kind raw: String, id: String, harbor: String?) throws(PortDaddyError) -> PheromoneSniffResponse {
        let kind: PheromoneKind
        let scope: String?
        do {
            kind = try PheromoneKind.parse(raw)
            scope = try harbor.map { raw throws(InvalidValue) in try HarborName.validated(raw) }
        } catch { throw PortDaddyError(error) }
        let now = clock.nowMillis()
        let keys = try store.pheromoneRows(harbor: scope, kind: kind.rawValue, id: id).map { Self.info($0, now: now) }
            .filter { $0.value >= Self.faded }
        return PheromoneSniffResponse(kind: kind.rawValue, id: id, total: min(1, keys.map(\.value).reduce(0, +)), keys: keys)
    }

    /// Trails at least `min` strong now, strongest first.
    public func list(min: Double, harbor: String?) throws(PortDaddyError) -> [PheromoneInfo] {
        let scope: String?
        do { scope = try harbor.map { raw throws(InvalidValue) in try HarborName.validated(raw) } } catch { throw PortDaddyError(error) }
        let now = clock.nowMillis()
        return try store.pheromoneRows(harbor: scope, kind: nil, id: nil).map { Self.info($0, now: now) }
            .filter { $0.value >= Swift.max(min, Self.faded) }
            .sorted { ($0.value, $1.id) > ($1.value, $0.id) }
    }

    /// The hottest files: heat = min(1, Σ decayed keys), with the agents whose claims hold each now.
    public func hottestFiles(limit: Int, harbor: String?, claims: [FileClaimInfo]) throws(PortDaddyError) -> [FileHeat] {
        let scope: String?
        do { scope = try harbor.map { raw throws(InvalidValue) in try HarborName.validated(raw) } } catch { throw PortDaddyError(error) }
        let now = clock.nowMillis()
        var keys: [String: [String: Double]] = [:]
        for row in try store.pheromoneRows(harbor: scope, kind: PheromoneKind.file.rawValue, id: nil) {
            let value = row.value(at: now)
            guard value >= Self.faded else { continue }
            keys[row.id, default: [:]][row.key, default: 0] += value
        }
        var holders: [String: [String]] = [:]
        for claim in claims { holders[claim.path, default: []].append(claim.agentID) }
        let files = keys.map { path, keys in
            FileHeat(path: path, heat: Swift.min(1, keys.values.reduce(0, +)), keys: keys, holders: (holders[path] ?? []).sorted())
        }
        return Array(files.sorted { ($0.heat, $1.path) > ($1.heat, $0.path) }.prefix(limit))
    }

    /// Deletes rows that faded below ``faded`` (the reaper pass); returns how many.
    @discardableResult
    public func prune() throws(PortDaddyError) -> Int {
        let now = clock.nowMillis()
        let faded = try store.pheromoneRows(harbor: nil, kind: nil, id: nil).filter { $0.value(at: now) < Self.faded }
        try store.deletePheromones(faded)
        return faded.count
    }

    /// Sprays a file's automatic trail (refused or granted claims) in the global harbor.
    public func sprayFile(_ path: String, _ trail: (key: String, strength: Double)) {
        let spray = Spray(
            harbor: HarborName.global, kind: PheromoneKind.file.rawValue, id: path, key: trail.key, strength: trail.strength, mode: .add,
            halfLife: defaultHalfLife)
        _ = try? lock.withLock { _ throws(PortDaddyError) in try apply(spray) }
    }

    // MARK: - Internals

    /// Applies a checked spray; the caller holds `lock` (so concurrent sprays add exactly). Inside
    /// `SQLiteStore.atomically` the write joins that transaction.
    func apply(_ spray: Spray) throws(PortDaddyError) -> PheromoneRow {
        let halfLifeMillis = Swift.max(1, Int64(spray.halfLife * 1000))
        let now = clock.nowMillis()
        return try store.updatePheromone(harbor: spray.harbor, kind: spray.kind, id: spray.id, key: spray.key) { old in
            let decayed = old?.value(at: now) ?? 0
            let value: Double
            switch spray.mode {
            case .add: value = Swift.min(1, decayed + spray.strength)
            case .set: value = spray.strength
            case .max: value = Swift.max(decayed, spray.strength)
            }
            return PheromoneRow(
                harbor: spray.harbor, kind: spray.kind, id: spray.id, key: spray.key, v0: value, t0: now, halfLifeMillis: halfLifeMillis)
        }
    }

    static func info(_ row: PheromoneRow, now: Int64) -> PheromoneInfo {
        PheromoneInfo(
            harbor: row.harbor, kind: row.kind, id: row.id, key: row.key, value: row.value(at: now), strength: row.v0, sprayedAt: row.t0,
            halfLife: Double(row.halfLifeMillis) / 1000)
    }
}
