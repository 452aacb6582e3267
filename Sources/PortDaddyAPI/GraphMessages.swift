/// The kinds of things the coordination graph connects. A node's id is `KIND:ID`, e.g. `file:/src/a.swift`,
/// `agent:alice`, `identity:myapp:api`.
public enum GraphNodeKind: String, Codable, Sendable, CaseIterable {
    case agent, session, file, identity, lock, run, sortie, channel
}

/// The kinds of edges. Durable ones are recorded when they happen and kept 180 days; live ones are derived from
/// current state at read time.
public enum GraphEdgeKind: String, Codable, Sendable, CaseIterable {
    /// file ↔ file: both claimed in one session (weight: how many sessions). Recorded with `from` < `to`.
    case coClaimed = "co-claimed"
    /// dead agent → the agent that claimed its salvage (weight: how many times).
    case handedOff = "handed-off"
    /// channel → fleet run. Defined; nothing records it yet (fleets are a later issue).
    case triggered
    /// sortie → run, and run → agent: what a launch started.
    case spawned
    /// session → identity: a changelog entry written from that session (weight: how many entries).
    case changed
    /// agent → session (live): the agent runs the active session.
    case runs
    /// session → file (live): the session holds a claim on the file.
    case claimsFile = "claims-file"
    /// session → identity (live): the session claimed the identity's port.
    case claimsPort = "claims-port"
    /// lock → agent (live): the lock's owner, or the agent whose process holds it.
    case heldBy = "held-by"
    /// identity → agent (live): the claimed port is the agent's identity, or its process claimed it.
    case portOf = "port-of"

    /// Whether edges of this kind are stored (else derived from current state).
    public var isDurable: Bool {
        switch self {
        case .coClaimed, .handedOff, .triggered, .spawned, .changed: true
        case .runs, .claimsFile, .claimsPort, .heldBy, .portOf: false
        }
    }

    /// Why `raw` is not an edge kind (the message of the CLI's and the daemon's refusal).
    public static func problem(with raw: String) -> String {
        "kind \"\(raw)\" is not one of \(allCases.map(\.rawValue).joined(separator: ", "))"
    }

    /// The kinds edges are stored as.
    public static var durableKinds: [GraphEdgeKind] { allCases.filter(\.isDurable) }
}

/// A node of the graph: its `KIND:ID` and its kind.
public struct GraphNode: Codable, Sendable, Hashable {
    public var id: String
    public var kind: GraphNodeKind

    public init(id: String, kind: GraphNodeKind) {
        self.id = id
        self.kind = kind
    }

    /// The node `kind:key`.
    public init(_ kind: GraphNodeKind, _ key: String) { self.init(id: kind.rawValue + ":" + key, kind: kind) }

    /// Parses `KIND:ID` (the kind one of ``GraphNodeKind``, the id not empty); nil otherwise.
    public init?(parsing raw: String) {
        guard let colon = raw.firstIndex(of: ":"), let kind = GraphNodeKind(rawValue: String(raw[..<colon])),
            raw.index(after: colon) < raw.endIndex
        else { return nil }
        self.init(id: raw, kind: kind)
    }

    /// Why `raw` is not a node (the message of the CLI's and the daemon's refusal).
    public static func problem(with raw: String) -> String {
        "node \"\(raw)\" is not KIND:ID with KIND one of \(GraphNodeKind.allCases.map(\.rawValue).joined(separator: ", "))"
    }

    /// The part after `KIND:`.
    public var key: String { String(id.dropFirst(kind.rawValue.count + 1)) }
}

/// One edge: `from` → `to` of a kind, its weight, whether it is stored, and when it last happened (or since
/// when the live relation holds).
public struct GraphEdge: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var kind: GraphEdgeKind
    public var weight: Int
    public var durable: Bool
    /// Milliseconds since 1970; nil when unknown.
    public var at: Int64?

    public init(from: String, to: String, kind: GraphEdgeKind, weight: Int = 1, at: Int64?) {
        self.from = from
        self.to = to
        self.kind = kind
        self.weight = weight
        self.durable = kind.isDurable
        self.at = at
    }
}

/// `GET /graph`: the edges (around a node, up to a depth, when one is given) and the nodes they touch.
public struct GraphResponse: Codable, Sendable, Equatable {
    public var nodes: [GraphNode]
    public var edges: [GraphEdge]
    public init(nodes: [GraphNode], edges: [GraphEdge]) {
        self.nodes = nodes
        self.edges = edges
    }
}

/// `GET /graph/stats`: edges counted by kind (durable ones of the project when one is given; live ones across the
/// machine), and the heaviest co-claimed pairs.
public struct GraphStats: Codable, Sendable, Equatable {
    public var project: String?
    public var durable: [String: Int]
    public var live: [String: Int]
    public var topCoClaimed: [GraphEdge]
    public init(project: String?, durable: [String: Int], live: [String: Int], topCoClaimed: [GraphEdge]) {
        self.project = project
        self.durable = durable
        self.live = live
        self.topCoClaimed = topCoClaimed
    }
}
