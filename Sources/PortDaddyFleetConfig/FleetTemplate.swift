import PortDaddyAPI

extension FleetConfig {
    /// The trigger that wakes an agent on its actor's mailbox instead of a channel.
    public static let mailboxTrigger = "mailbox"
}

/// The `{variable}` templates of prompts and the harbor name.
public enum FleetTemplate {
    /// What a prompt may use; filled in when the agent wakes.
    public static let promptVariables = ["project", "branch", "fleet", "agent", "channel", "message", "sender", "message_id"]
    /// What the harbor template may use.
    public static let harborVariables = ["project", "fleet"]

    /// The names of every `{name}` in `text` (a name is a letter or `_` then letters, digits, `_`), in order; other
    /// braces (`{"json": 1}`, `{ x }`) are plain text.
    public static func variables(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            rest = rest[rest.index(after: open)...]
            guard let close = rest.firstIndex(of: "}") else { break }
            let name = rest[..<close]
            if let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            {
                found.append(String(name))
                rest = rest[rest.index(after: close)...]
            }
        }
        return found
    }

    /// A name from a prompt's first three words: `Review {message} for bugs` → `review-message-for`; nil when nothing
    /// usable is left.
    static func slug(_ prompt: String) -> String? {
        let words = prompt.lowercased().split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).prefix(3)
        let slug = String(words.joined(separator: "-").prefix(40))
        return slug.isEmpty ? nil : slug
    }
}

/// Chains of agents: A's `on_success`/`on_failure` publishes to a channel B's trigger matches.
enum FleetChains {
    /// One cycle, reported at the publish of its first agent.
    struct Cycle: Equatable {
        var path: String
        /// The agents around the cycle, the first repeated at the end.
        var names: [String]
    }

    /// Every elementary cycle once, each starting at the agent that comes first in the file.
    static func cycles(_ agents: [FleetConfig.Agent]) -> [Cycle] {
        let patterns = agents.map { agent in
            agent.trigger.flatMap { try? IdentityPattern(parsing: $0, maxSegments: ChannelName.maxSegments) }
        }
        // next[i]: the agents whose trigger a publish of agent i wakes, with the key that publishes.
        let next: [[(to: Int, key: String)]] = agents.map { agent in
            [("on_success", agent.onSuccess), ("on_failure", agent.onFailure)].flatMap { key, channel -> [(to: Int, key: String)] in
                guard let channel else { return [] }
                return patterns.indices.filter { patterns[$0]?.matches(name: channel) ?? false }.map { (to: $0, key: key) }
            }
        }
        var found: [Cycle] = []
        var seen = Set<[Int]>()
        for start in agents.indices {
            // Depth-first from `start` through agents after it in file order only, so each cycle is found once.
            var stack: [(node: Int, path: [Int], keys: [String])] = [(start, [start], [])]
            while let (node, path, keys) = stack.popLast() {
                for edge in next[node] {
                    if edge.to == start {
                        if seen.insert(path).inserted {
                            found.append(
                                Cycle(
                                    path: "fleet.agents.\(agents[start].name).\(keys.first ?? edge.key)",
                                    names: (path + [start]).map { agents[$0].name }))
                        }
                    } else if edge.to > start, !path.contains(edge.to) {
                        stack.append((edge.to, path + [edge.to], keys + [edge.key]))
                    }
                }
            }
        }
        return found
    }
}
