/// Shared memory for agents, built together because they share the harbors: the harbors themselves, the tuple
/// space and pheromones, on one store.
public struct MemoryServices: Sendable {
    public let harbors: HarborService
    public let tuples: TupleSpace
    public let pheromones: PheromoneService
    public let episodes: Episodes
    public let tiers: MemoryTiers

    public init(
        store: some HarborStore & TupleStore & PheromoneStore & EpisodeStore, clock: any WallClock = SystemWallClock(), activity: ActivityLog? = nil,
        halfLife: Double = PheromoneService.defaultHalfLifeSeconds
    ) throws(PortDaddyError) {
        harbors = try HarborService(store: store, clock: clock, activity: activity)
        tuples = TupleSpace(store: store, harbors: harbors, clock: clock)
        pheromones = PheromoneService(store: store, harbors: harbors, clock: clock, defaultHalfLife: halfLife)
        episodes = Episodes(store: store, clock: clock)
        tiers = MemoryTiers(store: store, clock: clock)
    }

    /// The reaper pass: expired harbors destroyed, expired tuples and faded pheromones deleted. Returns what went.
    @discardableResult
    public func prune() -> (harbors: [String], tuples: Int, pheromones: Int) {
        let harbors = harbors.reap()
        _ = try? episodes.prune()
        return (harbors, (try? tuples.prune()) ?? 0, (try? pheromones.prune()) ?? 0)
    }
}
