import PortDaddyAPI
import Yams

extension FleetConfig {
    /// The backends a fleet agent may name: every backend `pd backends` knows except `custom` (a fleet file has no
    /// argv to give it).
    public static let backendNames = BackendPrograms.allBackends.filter { $0 != "custom" }
}

extension FleetParser {
    static let agentKeys = [
        "name", "trigger", "schedule", "backend", "model", "prompt", "budget", "timeout", "queue", "max_queue", "on_success",
        "on_failure", "actor", "identity", "catch_up",
    ]

    /// `fleet.agents`: a map of name → agent, or a list whose names are derived (name > identity > first prompt words >
    /// backend) and made unique with `-2`, `-3`….
    mutating func parseAgents(_ node: Node?, defaults: FleetConfig.Defaults, actors: Set<String>) -> [FleetConfig.Agent] {
        guard let node else {
            error("fleet.agents", "required: at least one agent")
            return []
        }
        let problemsBefore = problems.count
        var entries: [(path: String, name: String?, body: Node.Mapping)] = []
        if let map = node.mapping {
            for (key, value) in map {
                let name = key.string ?? ""
                let path = "fleet.agents.\(name)"
                if let why = Self.segmentProblem(name) { error(path, "agent name: " + why) }
                if let body = mapping(value, path) { entries.append((path, name, body)) }
            }
        } else if let list = node.sequence {
            for (index, value) in list.enumerated() {
                if let body = mapping(value, "fleet.agents[\(index)]") { entries.append(("fleet.agents[\(index)]", nil, body)) }
            }
        } else {
            error("fleet.agents", "must be a mapping of agent names to agents, or a list of agents")
            return []
        }
        if entries.isEmpty && problems.count == problemsBefore { error("fleet.agents", "required: at least one agent") }
        var agents: [FleetConfig.Agent] = []
        var taken = Set(entries.compactMap { $0.name })
        for entry in entries {
            guard var agent = parseAgent(entry.body, path: entry.path, named: entry.name, defaults: defaults, actors: actors) else { continue }
            if entry.name == nil {
                if let explicit = entry.body["name"], explicit.string == agent.name {
                    if !taken.insert(agent.name).inserted { error(entry.path + ".name", "\"\(agent.name)\" names another agent too") }
                } else {
                    agent.name = Self.unique(agent.name, taken: &taken)
                }
            }
            agents.append(agent)
        }
        return agents
    }

    static func unique(_ base: String, taken: inout Set<String>) -> String {
        var candidate = base
        var suffix = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        taken.insert(candidate)
        return candidate
    }

    mutating func parseAgent(
        _ body: Node.Mapping, path: String, named: String?, defaults: FleetConfig.Defaults, actors: Set<String>
    ) -> FleetConfig.Agent? {
        checkKeys(body, path, named == nil ? Self.agentKeys : Self.agentKeys.filter { $0 != "name" })
        let explicitName = body["name"].flatMap { string($0, path + ".name") }
        if let explicitName, let why = Self.segmentProblem(explicitName) { error(path + ".name", why) }
        var trigger = body["trigger"].flatMap { string($0, path + ".trigger") }.map { $0.trimmingWhitespace() }
        if let text = trigger, text != FleetConfig.mailboxTrigger {
            do throws(IdentityError) {
                trigger = try IdentityPattern(parsing: text, maxSegments: ChannelName.maxSegments).description
            } catch {
                self.error(path + ".trigger", "\"\(text)\" is not a channel or channel pattern (segments of a-z, 0-9, '.', '_', '-', '*')")
                trigger = nil
            }
        }
        var schedule: CronSchedule?
        if let node = body["schedule"], let text = string(node, path + ".schedule") {
            do throws(CronError) { schedule = try CronSchedule(parsing: text) } catch { self.error(path + ".schedule", error.description) }
        }
        if body["trigger"] == nil && body["schedule"] == nil {
            error(path, "needs a trigger (a channel), a schedule (cron), or both")
        }
        let backendName = body["backend"].flatMap { backend($0, path + ".backend") } ?? defaults.backend
        if body["backend"] == nil && defaults.backend == nil {
            error(path + ".backend", "required here or in fleet.defaults.backend (known: \(FleetConfig.backendNames.joined(separator: ", ")))")
        }
        var prompt = ""
        if let node = body["prompt"] {
            if let text = string(node, path + ".prompt") {
                if text.trimmingWhitespace().isEmpty { error(path + ".prompt", "required, a non-empty text") }
                checkTemplate(text, path + ".prompt", allowed: FleetTemplate.promptVariables)
                prompt = text
            }
        } else {
            error(path + ".prompt", "required: what the agent is asked to do")
        }
        var queue = FleetConfig.QueueMode.collapse
        if let node = body["queue"], let text = string(node, path + ".queue") {
            if let mode = FleetConfig.QueueMode(rawValue: text) { queue = mode } else { error(path + ".queue", "must be collapse or fifo") }
        }
        let actor = body["actor"].flatMap { string($0, path + ".actor") }
        if let actor, !actors.contains(actor) {
            error(path + ".actor", "unknown actor \"\(actor)\" (declare it under fleet.actors)")
        }
        if trigger == FleetConfig.mailboxTrigger && actor == nil {
            error(path + ".trigger", "mailbox wakes the agent on its actor's mailbox: set actor too")
        }
        var identity: String?
        if let node = body["identity"], let text = string(node, path + ".identity") {
            do throws(IdentityError) { identity = try Identity(parsing: text).description } catch {
                self.error(path + ".identity", error.description)
            }
        }
        let backendOrDefault = backendName ?? "agent"
        let name =
            named ?? explicitName ?? identity.map { String($0.split(separator: ":").last ?? "") }
            ?? FleetTemplate.slug(prompt) ?? backendOrDefault
        return FleetConfig.Agent(
            name: name, trigger: trigger, schedule: schedule, backend: backendOrDefault,
            model: body["model"].flatMap { string($0, path + ".model") } ?? defaults.model, prompt: prompt,
            budgetMicros: body["budget"].flatMap { money($0, path + ".budget") } ?? defaults.budgetMicros,
            timeoutSeconds: body["timeout"].flatMap { duration($0, path + ".timeout") } ?? defaults.timeoutSeconds,
            queue: queue, maxQueue: body["max_queue"].flatMap { count($0, path + ".max_queue", 1...10_000) },
            onSuccess: body["on_success"].flatMap { publish($0, path + ".on_success") },
            onFailure: body["on_failure"].flatMap { publish($0, path + ".on_failure") }, actor: actor, identity: identity,
            catchUp: body["catch_up"].flatMap { bool($0, path + ".catch_up") } ?? false)
    }

    /// `publish CHANNEL` → the channel.
    mutating func publish(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2, words[0] == "publish" else {
            error(path, "must be \"publish CHANNEL\", e.g. publish git:status")
            return nil
        }
        do throws(IdentityError) {
            return try ChannelName(parsing: String(words[1])).value
        } catch {
            self.error(path, "\"\(words[1])\" is not a channel name: \(error)")
            return nil
        }
    }

    /// Records each `{variable}` of `text` that is not in `allowed`.
    mutating func checkTemplate(_ text: String, _ path: String, allowed: [String]) {
        for variable in FleetTemplate.variables(in: text) where !allowed.contains(variable) {
            error(path, "unknown template variable {\(variable)} (known: \(allowed.map { "{\($0)}" }.joined(separator: " ")))")
        }
    }
}
