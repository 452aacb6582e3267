import PortDaddyAPI

/// Locks and channels.
extension PortDaddyClient {
    public func locks() throws(ClientError) -> LocksResponse { try call(Routes.locks) }

    public func acquireLock(_ name: String, _ request: LockAcquireRequest) throws(ClientError) -> LockInfo {
        try call(Routes.acquireLock, name, body: request)
    }

    public func releaseLock(_ name: String, _ request: LockReleaseRequest) throws(ClientError) -> LockReleaseResponse {
        try call(Routes.releaseLock, name, body: request)
    }

    public func extendLock(_ name: String, _ request: LockExtendRequest) throws(ClientError) -> LockInfo {
        try call(Routes.extendLock, name, body: request)
    }

    public func channels() throws(ClientError) -> ChannelsResponse { try call(Routes.channels) }

    public func publish(_ channel: String, _ request: PublishRequest) throws(ClientError) -> ChannelMessageInfo {
        try call(Routes.publish, channel, body: request)
    }

    public func clearChannel(_ channel: String) throws(ClientError) -> ChannelClearResponse { try call(Routes.clearChannel, channel) }

    public func history(_ pattern: String, after: Int64, limit: Int = 100) throws(ClientError) -> ChannelHistoryResponse {
        try call(Routes.channelHistory, pattern, query: [("after", String(after)), ("limit", String(limit))])
    }

    /// Waits up to `timeout` seconds for messages on channels matching `pattern` after `after`.
    public func poll(_ pattern: String, after: Int64, timeout: Double) throws(ClientError) -> ChannelHistoryResponse {
        try call(Routes.channelPoll, pattern, query: [("after", String(after)), ("timeout", String(timeout))])
    }

    /// Streams messages on channels matching `pattern` after `cursor` (live only when `nil`) until `onEvent`
    /// returns false or the daemon ends the stream. Starts the daemon if needed.
    public func subscribe(_ pattern: String, after cursor: Int64?, onEvent: (SSEEvent) -> Bool) throws(ClientError) {
        try events(Self.channelStreamPath(pattern), after: cursor, onEvent: onEvent)
    }

    /// A consumer's durable cursor on a channel or pattern (at 0 when never set).
    public func cursor(_ consumer: String, channel: String) throws(ClientError) -> CursorInfo {
        try call(Routes.cursor, consumer, query: [("channel", channel)])
    }

    /// Moves a consumer's cursor by compare-and-set; a stale `from` fails with `CURSOR_MOVED`.
    public func advanceCursor(_ consumer: String, _ request: CursorAdvanceRequest) throws(ClientError) -> CursorInfo {
        try call(Routes.advanceCursor, consumer, body: request)
    }

    /// The SSE route of a channel or pattern.
    public static func channelStreamPath(_ pattern: String) -> String { streamPath(Routes.channelSubscribe, pattern) }
}

/// Declared channels.
extension PortDaddyClient {
    /// Declares (or updates) a logical channel of a repository; `201` when new, `200` when updated.
    public func declareChannel(_ request: ChannelDeclarationRequest) throws(ClientError) -> ChannelDeclarationInfo {
        try call(Routes.declareChannel, body: request)
    }

    /// The declared channels of `repo`, or of every repository when `nil`.
    public func channelDeclarations(repo: String?) throws(ClientError) -> ChannelDeclarationsResponse {
        try call(Routes.channelDeclarations, query: [("repo", repo)])
    }
}
