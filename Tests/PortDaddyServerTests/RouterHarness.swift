import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import PortDaddyAPI

@testable import PortDaddyServer

/// The daemon's real router and services on a temp data dir, driven in-process: no sockets, no processes. For
/// fast checks of routes and errors; the guarantees across processes stay in the integration tests.
final class RouterHarness: @unchecked Sendable {
    let home: String
    let core: DaemonServices
    let responder: any HTTPResponder<PDRequestContext>
    let channel = EmbeddedChannel()
    /// Writes (and so pushes to followers) the activity records, as the daemon's flusher service does.
    var flusher: Task<Void, Never>?
    /// The user's token in this data dir.
    static let userToken = String(repeating: "a", count: 64)

    init() async throws {
        var template = Array("/tmp/pds-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        home = String(cString: dir)
        let configuration = DaemonConfiguration(environment: PortDaddyEnvironment(home: home), tcpPort: 0)
        core = try await DaemonServices.build(configuration, userToken: Self.userToken, logger: Logger(label: "test"))
        responder = Daemon.buildRouter(core, logger: Logger(label: "test")).buildResponder()
        let flushing = ActivityFlusher(activity: core.activity, logger: Logger(label: "test"))
        flusher = Task { try? await flushing.run() }
    }

    deinit {
        flusher?.cancel()
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Sends one request through the middleware and routes; returns the status and the body as text.
    func send(_ method: HTTPRequest.Method, _ path: String, json body: String? = nil, headers: [String: String] = [:]) async throws -> (
        HTTPResponse.Status, String
    ) {
        var fields = HTTPFields()
        if body != nil { fields[.contentType] = "application/json" }
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let head = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path, headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(string: body ?? "")))
        let context = PDRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: Logger(label: "test")))
        let response = try await responder.respond(to: request, context: context)
        let collector = BodyCollector()
        try await response.body.write(collector)
        return (response.status, String(buffer: collector.buffer.value))
    }
}

/// Collects a response body in memory.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    final class Box: @unchecked Sendable { var value = ByteBuffer() }
    let buffer = Box()

    func write(_ buffer: ByteBuffer) async throws {
        var copy = buffer
        self.buffer.value.writeBuffer(&copy)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
