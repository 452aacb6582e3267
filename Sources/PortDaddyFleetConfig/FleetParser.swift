import PortDaddyAPI
import Yams

/// Reads the YAML tree of a `pd-fleet.yml` into a `FleetConfig`, collecting every problem with its path rather than
/// stopping at the first.
struct FleetParser {
    var problems: [FleetProblem] = []

    static let topKeys = ["fleet"]
    static let fleetKeys = ["name", "harbor", "limits", "defaults", "agents", "actors", "channels"]
    static let limitKeys = ["max_concurrent_spawns", "max_spawns_per_hour", "budget_usd_per_day"]
    static let defaultKeys = ["backend", "model", "budget", "timeout"]
    static let actorKeys = ["display", "aliases", "description"]
    static let channelKeys = ["description", "consumers"]

    mutating func error(_ path: String, _ message: String) { problems.append(FleetProblem(.error, path, message)) }
    mutating func warning(_ path: String, _ message: String) { problems.append(FleetProblem(.warning, path, message)) }

    mutating func parse(root: Node?) -> FleetConfig? {
        guard let root, let top = mapping(root, "(root)") else {
            if root == nil { error("(root)", "the file is empty; it needs a fleet: section (pd fleet init writes a starter)") }
            return nil
        }
        checkKeys(top, "", Self.topKeys)
        guard let fleetNode = top["fleet"] else {
            error("fleet", "required: the file's one top-level key")
            return nil
        }
        guard let fleet = mapping(fleetNode, "fleet") else { return nil }
        checkKeys(fleet, "fleet", Self.fleetKeys)
        var name = "fleet"
        if let node = fleet["name"] {
            if let text = string(node, "fleet.name") {
                if let why = Self.segmentProblem(text) { error("fleet.name", why) } else { name = text }
            }
        } else {
            error("fleet.name", "required, one identity segment such as my-project-dev")
        }
        var harbor = FleetConfig.defaultHarbor
        if let node = fleet["harbor"], let text = string(node, "fleet.harbor") {
            checkTemplate(text, "fleet.harbor", allowed: FleetTemplate.harborVariables)
            harbor = text
        }
        let limits = parseLimits(fleet["limits"])
        let defaults = parseDefaults(fleet["defaults"])
        let actorNames = Set(fleet["actors"]?.mapping?.keys.compactMap(\.string) ?? [])
        let agents = parseAgents(fleet["agents"], defaults: defaults, actors: actorNames)
        let actors = parseActors(fleet["actors"])
        let channels = parseChannels(fleet["channels"], agents: Set(agents.map(\.name)))
        for cycle in FleetChains.cycles(agents) {
            warning(
                cycle.path,
                "trigger/publish cycle \(cycle.names.joined(separator: " → ")): each message wakes the next agent until the chain stops at hop 8")
        }
        return FleetConfig(name: name, harbor: harbor, limits: limits, defaults: defaults, agents: agents, actors: actors, channels: channels)
    }

    // MARK: sections

    mutating func parseLimits(_ node: Node?) -> FleetConfig.Limits {
        var limits = FleetConfig.Limits()
        guard let node, let map = mapping(node, "fleet.limits") else { return limits }
        checkKeys(map, "fleet.limits", Self.limitKeys)
        limits.maxConcurrentSpawns = map["max_concurrent_spawns"].flatMap { count($0, "fleet.limits.max_concurrent_spawns", 1...1000) }
        limits.maxSpawnsPerHour = map["max_spawns_per_hour"].flatMap { count($0, "fleet.limits.max_spawns_per_hour", 1...100_000) }
        limits.budgetUsdPerDayMicros = map["budget_usd_per_day"].flatMap { money($0, "fleet.limits.budget_usd_per_day") }
        return limits
    }

    mutating func parseDefaults(_ node: Node?) -> FleetConfig.Defaults {
        var defaults = FleetConfig.Defaults()
        guard let node, let map = mapping(node, "fleet.defaults") else { return defaults }
        checkKeys(map, "fleet.defaults", Self.defaultKeys)
        defaults.backend = map["backend"].flatMap { backend($0, "fleet.defaults.backend") }
        defaults.model = map["model"].flatMap { string($0, "fleet.defaults.model") }
        defaults.budgetMicros = map["budget"].flatMap { money($0, "fleet.defaults.budget") }
        defaults.timeoutSeconds = map["timeout"].flatMap { duration($0, "fleet.defaults.timeout") }
        return defaults
    }

    mutating func parseActors(_ node: Node?) -> [FleetConfig.Actor] {
        guard let node, let map = mapping(node, "fleet.actors") else { return [] }
        var actors: [FleetConfig.Actor] = []
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            let path = "fleet.actors.\(key)"
            if let why = Self.segmentProblem(key) { error(path, "actor name: " + why) }
            guard let body = mapping(value, path) else { continue }
            checkKeys(body, path, Self.actorKeys)
            let aliases = body["aliases"].map { names($0, path + ".aliases") } ?? []
            actors.append(
                FleetConfig.Actor(
                    name: key, display: body["display"].flatMap { string($0, path + ".display") }, aliases: aliases,
                    description: body["description"].flatMap { string($0, path + ".description") }))
        }
        return actors
    }

    mutating func parseChannels(_ node: Node?, agents: Set<String>) -> [FleetConfig.Channel] {
        guard let node, let map = mapping(node, "fleet.channels") else { return [] }
        var channels: [FleetConfig.Channel] = []
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            let path = "fleet.channels.\(key)"
            do throws(IdentityError) { _ = try ChannelName(parsing: key) } catch { self.error(path, "channel name: \(error)") }
            guard let body = mapping(value, path) else { continue }
            checkKeys(body, path, Self.channelKeys)
            var consumers: [String] = []
            if let list = body["consumers"], let items = sequence(list, path + ".consumers") {
                for (index, item) in items.enumerated() {
                    guard let consumer = string(item, "\(path).consumers[\(index)]") else { continue }
                    if !agents.contains(consumer) {
                        error(
                            "\(path).consumers[\(index)]",
                            "\"\(consumer)\" is no agent of this fleet (agents: \(agents.sorted().joined(separator: ", ")))")
                    }
                    consumers.append(consumer)
                }
            }
            channels.append(
                FleetConfig.Channel(name: key, description: body["description"].flatMap { string($0, path + ".description") }, consumers: consumers))
        }
        return channels
    }
}
