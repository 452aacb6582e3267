import Foundation
import PortDaddyAPI

/// A typed, blocking client of the daemon's HTTP API, used by the CLI and the tests.
public final class PortDaddyClient {
    public let connection: HTTPConnection
    /// The agent requests act for (sent as `X-PD-Agent`; counts as its heartbeat).
    public var agentID: String?
    /// The user's token (sent as `X-PD-Token`), needed over TCP for requests that run commands or read files.
    public var token: String?
    /// Called once when the daemon cannot be reached; returns true if it started one.
    private let onUnreachable: (() throws(ClientError) -> Bool)?

    public init(endpoint: DaemonEndpoint, onUnreachable: (() throws(ClientError) -> Bool)? = nil) {
        self.connection = HTTPConnection(endpoint: endpoint)
        self.onUnreachable = onUnreachable
    }

    /// A client for `environment` that starts the daemon when it is not running, unless autostart is off.
    public static func connecting(to environment: PortDaddyEnvironment) throws(ClientError) -> PortDaddyClient {
        let endpoint = try DaemonEndpoint.from(environment)
        let launcher = DaemonLauncher(environment: environment, endpoint: endpoint)
        return PortDaddyClient(endpoint: endpoint) { () throws(ClientError) -> Bool in try launcher.startIfAllowed() }
    }

    public var endpoint: DaemonEndpoint { connection.endpoint }

    // MARK: pd routes

    public func claim(_ request: ClaimRequest) throws(ClientError) -> ClaimResponse {
        try call("POST", Routes.claim, body: request)
    }

    public func release(_ target: String) throws(ClientError) -> ReleaseResponse {
        try call("DELETE", Routes.release, body: ReleaseRequest(id: target))
    }

    public func services(pattern: String? = nil) throws(ClientError) -> ServicesResponse {
        var path = Routes.services
        if let pattern, !pattern.isEmpty { path += "?pattern=" + Self.escape(pattern) }
        return try call("GET", path)
    }

    public func service(_ identity: String) throws(ClientError) -> ServiceInfo {
        try call("GET", Routes.services + "/" + Self.escape(identity))
    }

    public func cleanup() throws(ClientError) -> CleanupResponse { try call("POST", "/cleanup") }
    public func status() throws(ClientError) -> StatusResponse { try call("GET", Routes.status) }
    public func diagnostics() throws(ClientError) -> DiagnosticsResponse { try call("GET", Routes.diagnostics) }

    // MARK: locks

    public func acquireLock(_ name: String, _ request: LockAcquireRequest) throws(ClientError) -> LockInfo {
        try call("POST", Routes.locks + "/" + Self.escape(name), body: request)
    }

    public func releaseLock(_ name: String, _ request: LockReleaseRequest) throws(ClientError) -> LockReleaseResponse {
        try call("DELETE", Routes.locks + "/" + Self.escape(name), body: request)
    }

    public func extendLock(_ name: String, _ request: LockExtendRequest) throws(ClientError) -> LockInfo {
        try call("POST", Routes.locks + "/" + Self.escape(name) + "/extend", body: request)
    }

    public func locks() throws(ClientError) -> LocksResponse { try call("GET", Routes.locks) }

    // MARK: channels

    public func publish(_ channel: String, _ request: PublishRequest) throws(ClientError) -> ChannelMessageInfo {
        try call("POST", Routes.channels + "/" + Self.escape(channel), body: request)
    }

    public func channels() throws(ClientError) -> ChannelsResponse { try call("GET", Routes.channels) }

    public func clearChannel(_ channel: String) throws(ClientError) -> ChannelClearResponse {
        try call("DELETE", Routes.channels + "/" + Self.escape(channel))
    }

    public func history(_ pattern: String, after: Int64, limit: Int = 100) throws(ClientError) -> ChannelHistoryResponse {
        try call("GET", Routes.channels + "/" + Self.escape(pattern) + "/history?after=\(after)&limit=\(limit)")
    }

    /// Streams messages on channels matching `pattern` after `cursor` (live only when `nil`) until `onEvent`
    /// returns false or the daemon ends the stream. Starts the daemon if needed.
    public func subscribe(_ pattern: String, after cursor: Int64?, onEvent: (SSEEvent) -> Bool) throws(ClientError) {
        try events(Self.channelStreamPath(pattern), after: cursor, onEvent: onEvent)
    }

    /// The SSE route of a channel or pattern.
    public static func channelStreamPath(_ pattern: String) -> String {
        Routes.channels + "/" + escape(pattern) + "/subscribe"
    }

    /// Streams the server-sent events of `path` (resuming after `cursor`) until `onEvent` returns false or the
    /// daemon ends the stream. Starts the daemon if needed.
    public func events(_ path: String, after cursor: Int64?, onEvent: (SSEEvent) -> Bool) throws(ClientError) {
        var parser = SSEParser()
        var headers = cursor.map { [("Last-Event-ID", String($0))] } ?? []
        if let agentID { headers.append((AgentHeader.name, agentID)) }
        if let token { headers.append(("X-PD-Token", token)) }
        func run() throws(ClientError) -> HTTPConnection.Response {
            try connection.stream(method: "GET", path: path, headers: headers) { bytes in
                for event in parser.feed(bytes) where !onEvent(event) { return false }
                return true
            }
        }
        var response: HTTPConnection.Response
        do { response = try run() } catch {
            guard case .unreachable = error, !connection.interruption.isInterrupted, let onUnreachable, try onUnreachable() else { throw error }
            response = try run()
        }
        if !(200..<300).contains(response.status) {
            let body = (try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))) ?? ErrorBody(error: "HTTP \(response.status)", code: .internal)
            throw .daemon(status: response.status, body: body)
        }
    }

    // MARK: coordination

    public func register(_ request: AgentRegisterRequest) throws(ClientError) -> AgentRegisterResponse { try call("POST", "/agents", body: request) }
    public func heartbeat(_ agent: String) throws(ClientError) -> AgentInfo { try call("POST", "/agents/\(Self.escape(agent))/heartbeat") }
    public func agents() throws(ClientError) -> AgentsResponse { try call("GET", "/agents") }
    public func begin(_ request: BeginRequest) throws(ClientError) -> BeginResponse { try call("POST", "/sessions", body: request) }
    public func sessions(all: Bool) throws(ClientError) -> SessionsResponse { try call("GET", "/sessions" + (all ? "?all=true" : "")) }
    public func done(_ request: DoneRequest) throws(ClientError) -> SessionInfo { try call("POST", "/sessions/current/done", body: request) }
    public func note(_ request: NoteRequest) throws(ClientError) -> NoteInfo { try call("POST", "/sessions/current/notes", body: request) }
    public func claimFiles(_ request: FileClaimRequest) throws(ClientError) -> FileClaimsResponse { try call("POST", "/files/claim", body: request) }
    public func checkFiles(_ request: FileCheckRequest) throws(ClientError) -> FileCheckResponse { try call("POST", "/files/check", body: request) }
    public func salvage(project: String?, all: Bool) throws(ClientError) -> SalvageResponse {
        var query: [String] = []
        if let project { query.append("project=" + Self.escape(project)) }
        if all { query.append("all=true") }
        return try call("GET", "/salvage" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
    }
    public func sendInbox(_ agent: String, _ request: PublishRequest) throws(ClientError) -> ChannelMessageInfo {
        try call("POST", "/inbox/" + Self.escape(agent), body: request)
    }
    public func inbox(unread: Bool) throws(ClientError) -> InboxResponse { try call("GET", "/inbox" + (unread ? "?unread=true" : "")) }
    public func activity(since: Int64?, type: String?, limit: Int) throws(ClientError) -> ActivityResponse {
        var query = ["limit=\(limit)"]
        if let since { query.append("since=\(since)") }
        if let type { query.append("type=" + Self.escape(type)) }
        return try call("GET", "/activity?" + query.joined(separator: "&"))
    }

    // MARK: v1 routes

    public func health() throws(ClientError) -> V1HealthResponse { try call("GET", Routes.health) }

    public func requestPort(_ request: V1PortRequest, pid: Int?) throws(ClientError) -> V1PortResponse {
        try call("POST", Routes.v1Request, body: request, headers: pid.map { [(Headers.pid, String($0))] } ?? [])
    }

    public func releasePort(_ request: V1ReleaseRequest) throws(ClientError) -> V1ReleaseResponse {
        try call("DELETE", Routes.v1Release, body: request)
    }

    public func activePorts() throws(ClientError) -> V1ActiveResponse { try call("GET", Routes.v1Active) }

    // MARK: plumbing

    /// Sends a request and decodes the answer, or the daemon's `{error, code}`.
    public func call<Answer: Decodable>(_ method: String, _ path: String, headers: [(String, String)] = []) throws(ClientError) -> Answer {
        try decode(try send(method, path, body: nil, headers: headers))
    }

    public func call<Body: Encodable, Answer: Decodable>(_ method: String, _ path: String, body: Body, headers: [(String, String)] = []) throws(ClientError) -> Answer {
        let bytes: [UInt8]
        do { bytes = Array(try JSONEncoder().encode(body)) } catch { throw .protocolError("cannot encode request: \(error)") }
        return try decode(try send(method, path, body: bytes, headers: headers))
    }

    /// Sends raw bytes; starts the daemon once if it is unreachable and autostart is allowed.
    public func send(_ method: String, _ path: String, body: [UInt8]?, headers extra: [(String, String)] = []) throws(ClientError) -> HTTPConnection.Response {
        var headers = extra
        if let agentID { headers.append((AgentHeader.name, agentID)) }
        if let token { headers.append(("X-PD-Token", token)) }
        do {
            return try connection.send(method: method, path: path, body: body, headers: headers)
        } catch {
            guard case .unreachable = error, !connection.interruption.isInterrupted, let onUnreachable, try onUnreachable() else { throw error }
            return try connection.send(method: method, path: path, body: body, headers: headers)
        }
    }

    private func decode<Answer: Decodable>(_ response: HTTPConnection.Response) throws(ClientError) -> Answer {
        let data = Data(response.body)
        guard (200..<300).contains(response.status) else {
            if let body = try? JSONDecoder().decode(ErrorBody.self, from: data) {
                throw .daemon(status: response.status, body: body)
            }
            throw .protocolError("HTTP \(response.status) without an error body")
        }
        do { return try JSONDecoder().decode(Answer.self, from: data) } catch {
            throw .protocolError("cannot decode \(Answer.self): \(error)")
        }
    }

    /// Percent-encodes a query value (everything but unreserved characters).
    public static func escapeQuery(_ text: String) -> String {
        escape(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: "*", with: "%2A")
    }

    /// Percent-encodes a path segment.
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
