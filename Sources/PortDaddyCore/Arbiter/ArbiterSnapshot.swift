/// The state the periodic sweep checks, read in one transaction, with the liveness of each PID already probed.
public struct ArbiterSnapshot: Sendable, Equatable {
    /// An agent row; `pidAlive` is whether its (pid, start) runs now.
    public struct Agent: Sendable, Equatable {
        public var id: String
        public var pid: Int32?
        public var pidStart: UInt64?
        public var pidAlive: Bool
        public var state: String
        public var registeredAt: Int64
        public var lastHeartbeat: Int64
        public var ttlMillis: Int64
        public var diedAt: Int64?
        public init(
            id: String, pid: Int32?, pidStart: UInt64?, pidAlive: Bool, state: String, registeredAt: Int64, lastHeartbeat: Int64,
            ttlMillis: Int64, diedAt: Int64?
        ) {
            (self.id, self.pid, self.pidStart, self.pidAlive, self.state) = (id, pid, pidStart, pidAlive, state)
            (self.registeredAt, self.lastHeartbeat, self.ttlMillis, self.diedAt) = (registeredAt, lastHeartbeat, ttlMillis, diedAt)
        }
    }

    /// A held lock; `pidAlive` is nil for a lock without a PID. `lastToken` is the name's fencing counter.
    public struct Lock: Sendable, Equatable {
        public var name: String
        public var owner: String
        public var pid: Int32?
        public var pidAlive: Bool?
        public var token: Int64
        public var lastToken: Int64?
        public var expiresAt: Int64
        public init(name: String, owner: String, pid: Int32?, pidAlive: Bool?, token: Int64, lastToken: Int64?, expiresAt: Int64) {
            (self.name, self.owner, self.pid, self.pidAlive) = (name, owner, pid, pidAlive)
            (self.token, self.lastToken, self.expiresAt) = (token, lastToken, expiresAt)
        }
    }

    /// A bond that is not settled (`escrowed` or `held`).
    public struct Bond: Sendable, Equatable {
        public var id: String
        public var project: String
        public var amountMicros: Int64
        public var slashedMicros: Int64
        public var state: String
        public init(id: String, project: String, amountMicros: Int64, slashedMicros: Int64, state: String) {
            (self.id, self.project, self.amountMicros, self.slashedMicros, self.state) = (id, project, amountMicros, slashedMicros, state)
        }
    }

    public var now: Int64
    public var agents: [Agent]
    public var locks: [Lock]
    /// Each wallet's balance: the sum of its ledger.
    public var balances: [String: Int64]
    public var bonds: [Bond]
    /// Notes whose time is before the time of the note just before them (by id) in their session: (note id, session).
    public var noteRegressions: [(id: Int64, session: String)]

    public init(
        now: Int64, agents: [Agent], locks: [Lock], balances: [String: Int64], bonds: [Bond], noteRegressions: [(id: Int64, session: String)]
    ) {
        (self.now, self.agents, self.locks, self.balances, self.bonds, self.noteRegressions) = (
            now, agents, locks, balances, bonds, noteRegressions
        )
    }

    public static func == (a: ArbiterSnapshot, b: ArbiterSnapshot) -> Bool {
        a.now == b.now && a.agents == b.agents && a.locks == b.locks && a.balances == b.balances && a.bonds == b.bonds
            && a.noteRegressions.map(\.id) == b.noteRegressions.map(\.id)
    }
}
