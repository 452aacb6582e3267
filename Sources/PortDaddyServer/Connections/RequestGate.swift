import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import PortDaddyAPI

/// The HTTP side of a connection's guard (after decoding): installs the raw ``ConnectionGuard`` in front of the
/// decoder, stops its head timer once a request head is complete, and, where the caller's user could not be told
/// (or the daemon is shared), lets only the user's token write or read private data.
final class RequestGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let policy: ConnectionPolicy
    let state = ConnectionState()
    private var front: ConnectionGuard?
    /// Swallow the rest of a refused request.
    private var refusing = false

    init(policy: ConnectionPolicy) {
        self.policy = policy
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let raw = ConnectionGuard(policy: policy, state: state)
        front = raw
        try? context.pipeline.syncOperations.addHandler(raw, position: .first)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            front?.headArrived()
            state.inFlight += 1
            if request.method == .connect {
                refusing = true
                front?.refuseRaw(
                    RawRefusal.response(
                        code: .methodNotAllowed,
                        message: "CONNECT is not served here: Port Daddy is not a proxy for tunnels"))
                return
            }
            if request.headerFields[values: Self.host].count > 0 {
                // HTTP/1.1 allows one Host; the first became the authority, any other is a smuggling attempt.
                refusing = true
                return refuse(context, code: .invalidRequest, message: "more than one Host header")
            }
            if Self.needsToken(request, peer: state.peer, shared: policy.shared), !hasToken(request) {
                refusing = true
                return refuse(
                    context, code: .tokenRequired,
                    message:
                        "the \(policy.name) cannot tell which user this connection belongs to; send the user's token (X-PD-Token, "
                        + "from the data dir's token file) or use the Unix socket"
                )
            }
            refusing = false
            context.fireChannelRead(data)
        case .body, .end:
            if !refusing { context.fireChannelRead(data) }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        state.inFlight = max(0, state.inFlight - 1)
        guard state.closeAfterResponse && state.inFlight == 0 else { return context.write(data, promise: promise) }
        let channel = context.channel
        context.writeAndFlush(data).whenComplete { result in
            promise?.completeWith(result)
            channel.close(promise: nil)
        }
    }

    private func hasToken(_ request: HTTPRequest) -> Bool {
        guard let token = request.headerFields[.pdToken] else { return false }
        return UserAuthority.constantTimeEqual(token, policy.token)
    }

    /// Whether a request needs the user's token: only when the peer is not known to be the owner (lookup failed,
    /// or another user of a shared daemon), and then for every write and every read of private data.
    static func needsToken(_ request: HTTPRequest, peer: PeerIdentity, shared: Bool) -> Bool {
        switch peer {
        case .owner: return false
        case .foreign: if !shared { return false }  // refused before it got here
        case .unknown: break
        }
        guard request.method == .get || request.method == .head else { return true }
        let path = request.path.map { String($0.prefix { $0 != "?" }) } ?? "/"
        return privatePrefixes.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// Reads that show what agents wrote or run: sessions and notes, inboxes, salvage, channels and activity, stack
    /// output, the dashboard's data, and shared memory (look, briefing, memory, changelog, tuples, pheromones,
    /// harbors, advise, cursors, the graph, runs and sorties), and the `/sugar/…` aliases of session routes.
    static let privatePrefixes = [
        "/sessions", "/inbox", "/salvage", "/channels", "/activity", "/stacks", "/agents", "/dashboard", "/whoami", "/look", "/briefing",
        "/memory", "/changelog", "/tuples", "/pheromones", "/pheromone", "/harbors", "/advise", "/cursors", "/graph", "/runs", "/sorties",
        "/metrics", "/sugar",
    ]

    static let host = HTTPField.Name("Host")!

    /// Answers with a JSON error and closes the connection (the rest of the request is not read).
    private func refuse(_ context: ChannelHandlerContext, code: ErrorCode, message: String) {
        let body = RawRefusal.body(code: code, message: message)
        var head = HTTPResponse(status: code.status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.utf8.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
