/// Every route the daemon serves, declared once (method, path template, request and response types). The
/// client builds its paths from these, and ``all`` lists them for tests and API descriptions.
public enum Routes {
    // MARK: system
    public static let health = APIRoute<NoBody, V1HealthResponse>(.get, "/health", "liveness, in the v1 shape")
    public static let status = APIRoute<NoBody, StatusResponse>(.get, "/status", "the daemon's settings and counters")
    public static let diagnostics = APIRoute<NoBody, DiagnosticsResponse>(.get, "/diagnostics", "database integrity and dead claims")

    // MARK: claims
    public static let claim = APIRoute<ClaimRequest, ClaimResponse>(.post, "/claim", "claim a stable port for an identity")
    public static let release = APIRoute<ReleaseRequest, ReleaseResponse>(.delete, "/release", "release an identity, a port or a pattern")
    public static let services = APIRoute<NoBody, ServicesResponse>(.get, "/services", query: ["pattern"], "every claim, with its state")
    public static let service = APIRoute<NoBody, ServiceInfo>(.get, "/services/:id", "one identity's claim")
    public static let cleanup = APIRoute<NoBody, CleanupResponse>(.post, "/cleanup", "run the reaper now")

    // MARK: v1, kept compatible with the first Port Daddy README
    public static let v1Request = APIRoute<V1PortRequest, V1PortResponse>(.post, "/ports/request", "v1: a port for a project")
    public static let v1Release = APIRoute<V1ReleaseRequest, V1ReleaseResponse>(.delete, "/ports/release", "v1: release a project or a port")
    public static let v1Active = APIRoute<NoBody, V1ActiveResponse>(.get, "/ports/active", "v1: the active ports")
    public static let v1Cleanup = APIRoute<NoBody, CleanupResponse>(.post, "/ports/cleanup", "v1: run the reaper now")

    // MARK: locks
    public static let locks = APIRoute<NoBody, LocksResponse>(.get, "/locks", "the locks held")
    public static let acquireLock = APIRoute<LockAcquireRequest, LockInfo>(.post, "/locks/:name", "take a lock (optionally waiting)")
    public static let releaseLock = APIRoute<LockReleaseRequest, LockReleaseResponse>(.delete, "/locks/:name", "release or break a lock")
    public static let extendLock = APIRoute<LockExtendRequest, LockInfo>(.post, "/locks/:name/extend", "extend a held lock")

    // MARK: channels
    public static let channels = APIRoute<NoBody, ChannelsResponse>(.get, "/channels", "channels with messages")
    public static let publish = APIRoute<PublishRequest, ChannelMessageInfo>(.post, "/channels/:name", "publish a message")
    public static let clearChannel = APIRoute<NoBody, ChannelClearResponse>(.delete, "/channels/:name", "delete a channel's messages")
    public static let channelHistory = APIRoute<NoBody, ChannelHistoryResponse>(
        .get, "/channels/:name/history", query: ["after", "limit"], "messages on a channel or pattern after a cursor")
    public static let channelPoll = APIRoute<NoBody, ChannelHistoryResponse>(
        .get, "/channels/:name/poll", query: ["after", "timeout"], "long-poll for messages after a cursor")
    public static let channelSubscribe = APIRoute<NoBody, EventStream>(
        .get, "/channels/:name/subscribe", query: ["after"], "messages as server-sent events")

    /// Every route, in the order of the API documentation.
    public static let all: [AnyAPIRoute] =
        [
            health.erased, status.erased, diagnostics.erased,
            claim.erased, release.erased, services.erased, service.erased, cleanup.erased,
            v1Request.erased, v1Release.erased, v1Active.erased, v1Cleanup.erased,
            locks.erased, acquireLock.erased, releaseLock.erased, extendLock.erased,
            channels.erased, publish.erased, clearChannel.erased, channelHistory.erased, channelPoll.erased,
            channelSubscribe.erased,
        ] + coordinationRoutes + stackRoutes + dashboardRoutes + dashboardFleetRoutes + runRoutes + awarenessRoutes + memoryRoutes + metricRoutes
        + cursorRoutes + declarationRoutes + graphRoutes + walletRoutes + fleetRoutes + actorRoutes + webhookRoutes + keyRoutes + arbiterRoutes
        + openAPIRoutes + clusterRoutes
}

/// Header carrying the PID that should own a claim.
public enum Headers {
    public static let pid = "X-PID"
}
