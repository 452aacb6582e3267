/// `POST /tuples` body: write a tuple.
public struct TupleOutRequest: Codable, Sendable, Equatable {
    /// Default `global`.
    public var harbor: String?
    public var tuple: [JSONValue]
    /// Invisible, then pruned, this long after it was written.
    public var ttl: DurationValue?

    public init(harbor: String? = nil, tuple: [JSONValue], ttl: DurationValue? = nil) {
        self.harbor = harbor
        self.tuple = tuple
        self.ttl = ttl
    }
}

/// A stored tuple.
public struct TupleInfo: Codable, Sendable, Equatable {
    public var id: Int64
    public var harbor: String
    public var tuple: [JSONValue]
    /// The writing agent, when the request named one.
    public var writer: String?
    public var createdAt: Int64
    public var expiresAt: Int64?

    public init(id: Int64, harbor: String, tuple: [JSONValue], writer: String?, createdAt: Int64, expiresAt: Int64?) {
        self.id = id
        self.harbor = harbor
        self.tuple = tuple
        self.writer = writer
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// `POST /tuples/read` and `POST /tuples/take` body.
public struct TupleQueryRequest: Codable, Sendable, Equatable {
    public var harbor: String?
    /// See ``TuplePattern``.
    public var pattern: [JSONValue]
    /// When nothing matches, wait this long for a tuple that does (then 409 `TUPLE_WAIT_TIMEOUT`).
    public var wait: DurationValue?
    /// Every match (up to `limit`) instead of the oldest one.
    public var all: Bool?
    /// With `all`: at most this many (default 100, at most 1000).
    public var limit: Int?

    public init(harbor: String? = nil, pattern: [JSONValue], wait: DurationValue? = nil, all: Bool? = nil, limit: Int? = nil) {
        self.harbor = harbor
        self.pattern = pattern
        self.wait = wait
        self.all = all
        self.limit = limit
    }
}

/// Tuples read, taken or listed, oldest first.
public struct TuplesResponse: Codable, Sendable, Equatable {
    public var tuples: [TupleInfo]
    /// Scan only: callers waiting (rd or in) in that harbor (every harbor when none was named).
    public var waiting: Int?

    public init(tuples: [TupleInfo], waiting: Int? = nil) {
        self.tuples = tuples
        self.waiting = waiting
    }
}

/// `DELETE /tuples/{id}` response.
public struct TupleRemoveResponse: Codable, Sendable, Equatable {
    public var id: Int64
    public var harbor: String

    public init(id: Int64, harbor: String) {
        self.id = id
        self.harbor = harbor
    }
}
