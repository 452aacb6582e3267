import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

/// A JSON array from the command line (exit 2 when it is not one).
func jsonArgument(_ raw: String, _ what: String) throws -> [JSONValue] {
    guard case .array(let values)? = JSONValue.parse(raw) else {
        throw CLIError("\(what) must be a JSON array, e.g. '[\"task\", \"build\", 3]'", exitCode: PDExit.usage)
    }
    return values
}

/// A pattern checked here as the daemon checks it (bad element: exit 2 naming its index).
func patternArgument(_ raw: String) throws -> [JSONValue] {
    let values = try jsonArgument(raw, "the pattern")
    do { _ = try TuplePattern(values) } catch { throw CLIError(error.message, exitCode: PDExit.usage) }
    return values
}

/// What `pd tuple rd` and `pd tuple in` take: the pattern, `--all`, `--limit`, `--wait`, `--harbor`.
struct TupleQueryOptions: ParsableArguments {
    @Argument(help: "The pattern, a JSON array, e.g. '[\"task\",\"*\"]'.") var pattern: String
    @Flag(name: .long, help: "Every match, oldest first (up to --limit).") var all = false
    @Option(name: .long, help: "With --all: at most this many (default 100).") var limit: Int?
    @Option(name: .long, help: "Wait this long for a match when there is none, e.g. 30s.") var wait: String?
    @OptionGroup var harbor: HarborOption

    func request() throws -> TupleQueryRequest {
        TupleQueryRequest(
            harbor: try harbor.resolved(), pattern: try patternArgument(pattern), wait: try durationOption(wait, "--wait"),
            all: all ? true : nil, limit: limit)
    }
}

extension PD {
    /// `pd tuple out|rd|in|scan|rm`.
    struct TupleGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tuple", abstract: "The tuple space: write (out), read (rd) and take (in) JSON tuples by pattern.",
            discussion: """
                A pattern has one element per tuple element: a JSON value (exact; numbers numerically), "*" (anything), ">N" "<N" \
                ">=N" "<=N" (numbers), an identity pattern such as "myapp:*", or {"$eq": v} for a literal "*" or ">3". \
                rd/in exit 5 when nothing matches, 4 when --wait ran out.
                """,
            subcommands: [Out.self, Read.self, Take.self, Scan.self, Remove.self])

        struct Out: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Write a tuple; prints its id.")
            @Argument(help: "The tuple, a JSON array, e.g. '[\"task\",\"build\",3]'.") var tuple: String
            @Option(name: .long, help: "Forget it after this long, e.g. 10m.") var ttl: String?
            @OptionGroup var harbor: HarborOption
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let request = TupleOutRequest(
                    harbor: try harbor.resolved(), tuple: try jsonArgument(tuple, "the tuple"), ttl: try durationOption(ttl, "--ttl"))
                let client = try global.client()
                let written = try attempt { try client.tupleOut(request) }
                if global.json { return global.output.json(written) }
                global.output.line(String(written.id))
            }
        }

        struct Read: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rd", abstract: "Read the oldest matching tuple (or --all) without taking it; prints each as JSON.")
            @OptionGroup var query: TupleQueryOptions
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let request = try query.request()
                let client = try global.client()
                TupleGroup.print(try attempt { try client.tupleRead(request) }, global)
            }
        }

        struct Take: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "in", abstract: "Take the oldest matching tuple (or --all), atomically: of many takers exactly one gets it.")
            @OptionGroup var query: TupleQueryOptions
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let request = try query.request()
                let client = try global.client()
                TupleGroup.print(try attempt { try client.tupleTake(request) }, global)
            }
        }

        struct Scan: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a harbor's live tuples, oldest first.")
            @Option(name: .long, help: "At most this many (default 100).") var limit: Int?
            @OptionGroup var harbor: HarborOption
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let harbor = try harbor.resolved()
                let client = try global.client()
                let response = try attempt { try client.tuples(harbor: harbor, limit: limit) }
                if global.json { return global.output.json(response) }
                guard !response.tuples.isEmpty else { return global.output.line("no tuples") }
                global.output.table(
                    ["ID", "HARBOR", "TUPLE", "WRITER", "WRITTEN"],
                    response.tuples.map {
                        [String($0.id), $0.harbor, JSONValue.array($0.tuple).canonicalJSON, $0.writer ?? "-", Output.age(sinceMillis: $0.createdAt)]
                    })
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a tuple by id (exit 5 if there is none).")
            @Argument(help: "Tuple id.") var id: Int64
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let removed = try attempt { try client.removeTuple(id) }
                if global.json { return global.output.json(removed) }
                global.output.line("removed tuple \(removed.id) from \(removed.harbor)")
            }
        }

        /// One tuple per line as compact JSON, or the whole answer with --json.
        static func print(_ response: TuplesResponse, _ global: GlobalOptions) {
            if global.json { return global.output.json(response) }
            for tuple in response.tuples { global.output.line(JSONValue.array(tuple.tuple).canonicalJSON) }
        }
    }
}
