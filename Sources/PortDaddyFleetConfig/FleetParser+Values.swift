import PortDaddyAPI
import Yams

/// Typed reads of YAML nodes: each returns nil after recording an error at `path` when the node is not what it must be.
extension FleetParser {
    mutating func mapping(_ node: Node, _ path: String) -> Node.Mapping? {
        if let map = node.mapping { return map }
        error(path, "must be a mapping of keys to values")
        return nil
    }

    mutating func sequence(_ node: Node, _ path: String) -> Node.Sequence? {
        if let list = node.sequence { return list }
        error(path, "must be a list")
        return nil
    }

    /// A scalar that is not null (numbers are read as written, so `0.30` stays "0.30").
    mutating func string(_ node: Node, _ path: String) -> String? {
        if let scalar = node.scalar, node.null == nil { return scalar.string }
        error(path, "must be a text value")
        return nil
    }

    mutating func count(_ node: Node, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        if node.scalar != nil, let value = node.int, range.contains(value) { return value }
        error(path, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        return nil
    }

    mutating func bool(_ node: Node, _ path: String) -> Bool? {
        if node.scalar != nil, let value = node.bool { return value }
        error(path, "must be true or false")
        return nil
    }

    /// Dollars, read exactly into micro-dollars the one way every target reads money (`MoneyText`).
    mutating func money(_ node: Node, _ path: String) -> Int64? {
        guard let text = string(node, path) else { return nil }
        do throws(MoneyText.Problem) {
            return try MoneyText.micros(parsing: text, field: String(path.split(separator: ".").last ?? "budget"))
        } catch {
            self.error(path, error.message)
            return nil
        }
    }

    mutating func duration(_ node: Node, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        if let seconds = DurationParser.seconds(text) { return seconds }
        error(path, "\"\(text)\" is not a duration (e.g. 90s, 10m, 1h)")
        return nil
    }

    mutating func backend(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        let name = text.trimmingWhitespace().lowercased()
        if FleetConfig.backendNames.contains(name) { return name }
        error(path, "unknown backend \"\(text)\" (known: \(FleetConfig.backendNames.joined(separator: ", ")))")
        return nil
    }

    /// A list of identity segments (actor aliases).
    mutating func names(_ node: Node, _ path: String) -> [String] {
        guard let list = sequence(node, path) else { return [] }
        var result: [String] = []
        for (index, item) in list.enumerated() {
            guard let text = string(item, "\(path)[\(index)]") else { continue }
            if let why = Self.segmentProblem(text) { error("\(path)[\(index)]", why) } else { result.append(text) }
        }
        return result
    }

    /// Records every key of `map` that is not in `allowed` (or appears twice).
    mutating func checkKeys(_ map: Node.Mapping, _ path: String, _ allowed: [String]) {
        var seen = Set<String>()
        for key in map.keys {
            let name = key.string ?? "?"
            let place = path.isEmpty ? name : "\(path).\(name)"
            if !seen.insert(name).inserted { error(place, "appears twice") }
            if !allowed.contains(name) { error(place, "unknown key (expected \(allowed.joined(separator: ", ")))") }
        }
    }

    /// Why `name` is not one identity segment (a-z, 0-9, '.', '_', '-', at most 63 characters), or nil.
    static func segmentProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.utf8.count > 63 { return "\"\(name)\" is longer than 63 characters" }
        if let bad = name.first(where: { !($0.asciiValue.map(Identity.isAllowed) ?? false) }) {
            return "\"\(name)\" contains \"\(bad)\"; use a-z, 0-9, '.', '_' and '-' (lower case, one segment)"
        }
        return nil
    }
}
