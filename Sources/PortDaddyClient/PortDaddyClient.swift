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

    // MARK: plumbing

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
            let body =
                (try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))) ?? ErrorBody(error: "HTTP \(response.status)", code: .internal)
            throw .daemon(status: response.status, body: body)
        }
    }

    /// Calls a route that takes no body: fills its path parameters and query, decodes the answer or the daemon's
    /// `{error, code}`.
    public func call<Answer: Decodable>(
        _ route: APIRoute<NoBody, Answer>, _ parameters: String..., query: [(String, String?)] = [], headers: [(String, String)] = []
    ) throws(ClientError) -> Answer {
        try decode(try send(route.method.rawValue, RoutePath.build(route.template, parameters, query: query), body: nil, headers: headers))
    }

    /// Calls a route with a JSON body.
    public func call<Body: Encodable, Answer: Decodable>(
        _ route: APIRoute<Body, Answer>, _ parameters: String..., query: [(String, String?)] = [], body: Body, headers: [(String, String)] = []
    ) throws(ClientError) -> Answer {
        try call(route.method.rawValue, RoutePath.build(route.template, parameters, query: query), body: body, headers: headers)
    }

    /// The path of a server-sent events route, for ``events(_:after:onEvent:)``.
    public static func streamPath(_ route: APIRoute<NoBody, EventStream>, _ parameters: String..., query: [(String, String?)] = []) -> String {
        RoutePath.build(route.template, parameters, query: query)
    }

    /// Sends a request to a raw path and decodes the answer, or the daemon's `{error, code}` (for tests that
    /// send what no route declares).
    public func call<Answer: Decodable>(_ method: String, _ path: String, headers: [(String, String)] = []) throws(ClientError) -> Answer {
        try decode(try send(method, path, body: nil, headers: headers))
    }

    public func call<Body: Encodable, Answer: Decodable>(_ method: String, _ path: String, body: Body, headers: [(String, String)] = [])
        throws(ClientError) -> Answer
    {
        let bytes: [UInt8]
        do { bytes = Array(try JSONEncoder().encode(body)) } catch { throw .protocolError("cannot encode request: \(error)") }
        return try decode(try send(method, path, body: bytes, headers: headers))
    }

    /// Sends raw bytes; starts the daemon once if it is unreachable and autostart is allowed.
    public func send(_ method: String, _ path: String, body: [UInt8]?, headers extra: [(String, String)] = []) throws(ClientError)
        -> HTTPConnection.Response
    {
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
        if data.isEmpty, let none = NoBody() as? Answer { return none }
        do { return try JSONDecoder().decode(Answer.self, from: data) } catch {
            throw .protocolError("cannot decode \(Answer.self): \(error)")
        }
    }
}
