import Foundation
import MCP
import PortDaddyAPI
import PortDaddyClient

extension ToolHandler {
    func tuple(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        let harbor = try args.string("harbor")
        switch try args.action(["out", "rd", "in", "scan", "rm"]) {
        case "out":
            let request = TupleOutRequest(
                harbor: harbor, tuple: try args.json("tuple"), ttl: try args.number("ttl").map(DurationValue.init(seconds:)))
            let (value, r) = try run { c throws(ClientError) in try c.tupleOut(request) }
            return (value, "wrote tuple \(r.id) in \(r.harbor)")
        case "scan":
            let limit = try args.int("limit")
            let (value, r) = try run { c throws(ClientError) in try c.tuples(harbor: harbor, limit: limit) }
            return (value, r.tuples.isEmpty ? "no tuples" : r.tuples.map(Self.line).joined(separator: "\n"))
        case "rm":
            guard let id = try args.int("id") else { throw .invalid("id is required") }
            let (value, r) = try run { c throws(ClientError) in try c.removeTuple(Int64(id)) }
            return (value, "removed tuple \(r.id)")
        case let action:
            let pattern = try args.json("pattern")
            do { _ = try TuplePattern(pattern) } catch { throw .value(error) }
            let request = TupleQueryRequest(
                harbor: harbor, pattern: pattern, wait: try args.number("wait").map(DurationValue.init(seconds:)), all: try args.bool("all"),
                limit: try args.int("limit"))
            let (value, r) = try run { c throws(ClientError) in action == "in" ? try c.tupleTake(request) : try c.tupleRead(request) }
            return (value, r.tuples.map(Self.line).joined(separator: "\n"))
        }
    }

    func pheromone(_ args: Arguments) throws(ToolFailure) -> (Value, String) {
        switch try args.action(["spray", "sniff", "list", "files"]) {
        case "spray":
            let mode = try args.string("mode").map { raw throws(ToolFailure) -> PheromoneMode in
                guard let mode = PheromoneMode(rawValue: raw) else { throw .invalid("mode must be add, set or max") }
                return mode
            }
            guard let strength = try args.number("strength") else { throw .invalid("strength is required") }
            let request = PheromoneSprayRequest(
                harbor: try args.string("harbor"), kind: try args.required("kind"), id: try args.required("id"), key: try args.required("key"),
                strength: strength, mode: mode, halfLife: try args.number("half_life").map(DurationValue.init(seconds:)))
            let (value, r) = try run { c throws(ClientError) in try c.spray(request) }
            return (value, "\(r.kind) \(r.id) \(r.key) = \(String(format: "%.3f", r.value))")
        case "sniff":
            let (kind, id, harbor) = (try args.required("kind"), try args.required("id"), try args.string("harbor"))
            let (value, r) = try run { c throws(ClientError) in try c.sniff(kind: kind, id: id, harbor: harbor) }
            return (value, "\(r.kind) \(r.id): \(String(format: "%.3f", r.total))")
        case "list":
            let (min, harbor) = (try args.number("min"), try args.string("harbor"))
            let (value, r) = try run { c throws(ClientError) in try c.pheromones(min: min, harbor: harbor) }
            return (value, r.pheromones.map { "\(String(format: "%.3f", $0.value)) \($0.kind) \($0.id) \($0.key)" }.joined(separator: "\n"))
        default:
            let (limit, harbor) = (try args.int("limit"), try args.string("harbor"))
            let (value, r) = try run { c throws(ClientError) in try c.hotFiles(limit: limit, harbor: harbor) }
            return (
                value,
                r.files.map {
                    "\(String(format: "%.3f", $0.heat)) \($0.path)" + ($0.holders.isEmpty ? "" : " held by \($0.holders.joined(separator: ", "))")
                }
                .joined(separator: "\n")
            )
        }
    }

    static func line(_ tuple: TupleInfo) -> String { "#\(tuple.id) \(JSONValue.array(tuple.tuple).canonicalJSON)" }
}

extension Arguments {
    /// A JSON array argument (a tuple or a pattern), any element types.
    func json(_ key: String) throws(ToolFailure) -> [JSONValue] {
        guard let value = values[key], let items = value.arrayValue else { throw .invalid("\(key) must be an array") }
        do {
            return try JSONDecoder().decode([JSONValue].self, from: JSONEncoder().encode(items))
        } catch {
            throw .invalid("\(key) must be an array of JSON values")
        }
    }
}
