/// `POST /say`: one text becomes a note, a pinned tuple, file heat and broadcasts — in one transaction.
public struct SayRequest: Codable, Sendable, Equatable {
    /// A heat mark on one file: `--heat PATH=V`.
    public struct Heat: Codable, Sendable, Equatable {
        /// An absolute file path (the CLI normalizes it).
        public var path: String
        /// 0…1, kept as the file's `said` trail (the larger of what was there and this).
        public var value: Double
        public init(path: String, value: Double) {
            self.path = path
            self.value = value
        }
    }

    public var text: String
    /// The note's type (default `note`).
    public var type: NoteType?
    /// Also write the tuple `["note", agent, session, text]` in the harbor.
    public var pin: Bool?
    /// Default `$PD_HARBOR` as the CLI sends it, else `global`.
    public var harbor: String?
    public var heat: [Heat]?
    /// Channels (physical names; the CLI resolves declared ones) that get the text as a message.
    public var broadcast: [String]?
    /// Skip the note (then no session is needed).
    public var noNote: Bool?

    public init(
        text: String, type: NoteType? = nil, pin: Bool? = nil, harbor: String? = nil, heat: [Heat]? = nil, broadcast: [String]? = nil,
        noNote: Bool? = nil
    ) {
        self.text = text
        self.type = type
        self.pin = pin
        self.harbor = harbor
        self.heat = heat
        self.broadcast = broadcast
        self.noNote = noNote
    }
}

/// What `POST /say` wrote.
public struct SayResponse: Codable, Sendable, Equatable {
    public var note: NoteInfo?
    public var tuple: TupleInfo?
    public var pheromones: [PheromoneInfo]
    public var messages: [ChannelMessageInfo]
    public init(note: NoteInfo?, tuple: TupleInfo?, pheromones: [PheromoneInfo], messages: [ChannelMessageInfo]) {
        self.note = note
        self.tuple = tuple
        self.pheromones = pheromones
        self.messages = messages
    }
}

/// `GET /advise`: what to know before touching one file, as checks in a fixed order.
public struct AdviseResponse: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        case clear, caution, blocked
    }

    public var path: String
    public var verdict: Verdict
    public var checks: [AdviceCheck]
    public var generatedAt: Int64
    public init(path: String, verdict: Verdict, checks: [AdviceCheck], generatedAt: Int64) {
        self.path = path
        self.verdict = verdict
        self.checks = checks
        self.generatedAt = generatedAt
    }
}

/// One check of `pd advise`: its stable id, outcome, the facts it saw and the command that acts on it.
public struct AdviceCheck: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case ok, info, warn, block
    }

    /// `session`, `context`, `foreign-claim`, `own-claim`, `freshness`, `salvage`, `channels`, `tuples`, `heat`,
    /// `lock-candidate`.
    public var id: String
    public var status: Status
    public var evidence: String
    /// A runnable `pd …` command line, or nil.
    public var action: String?
    public init(id: String, status: Status, evidence: String, action: String? = nil) {
        self.id = id
        self.status = status
        self.evidence = evidence
        self.action = action
    }
}
