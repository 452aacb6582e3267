import HTTPTypes
import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage plus our body limit.
public struct PDRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection, so long waits can notice the client going away.
    public let channel: any Channel
    /// The caller's agent (`X-PD-Agent`), filled in by the agent middleware.
    public var agent: String?
    /// Whether the caller speaks with the user's own authority (the Unix socket, or the user's token), filled in
    /// by ``UserAuthorityMiddleware`` on the route groups that look at it (`false` elsewhere); those that need it
    /// refuse others with ``RequireUserAuthority``.
    public var hasUserAuthority = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Whether the request came over the Unix socket (which only the user can open).
    public var viaUnixSocket: Bool {
        if case .unixDomainSocket = channel.localAddress { return true }
        return false
    }

    /// Request bodies above this size get 413.
    public var maxUploadSize: Int { 64 * 1024 }
}

extension HTTPField.Name {
    /// `X-PID`: the process that should own a claim.
    static let pdPID = HTTPField.Name("X-PID")!
    /// `X-PD-Token`: the user's token, for TCP requests that run commands or read files.
    static let pdToken = HTTPField.Name("X-PD-Token")!
}
