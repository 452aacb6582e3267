import NIOCore

/// What the two halves of a connection's guard share (used on the channel's event loop only).
final class ConnectionState {
    var peer = PeerIdentity.unknown
    var admitted = false
    /// Requests read whose response has not ended.
    var inFlight = 0
    var headTimer: Scheduled<Void>?
    var refused = false
    /// An HTTP/1.0 request without `Connection: keep-alive` is in flight: close once its response has ended.
    var closeAfterResponse = false
}

/// The first handler of every connection, on raw bytes: counts it against the listener's cap, finds out whose it is
/// and refuses other users' (403 `FOREIGN_USER`) and overflow (503 `TOO_MANY_CONNECTIONS`), closes a request head
/// that trickles in too slowly (408, against slowloris), and treats a half-close as a hang-up (so a waiting lock
/// request or stream ends when its client is gone, however it went).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let policy: ConnectionPolicy
    let state: ConnectionState
    /// Called with the first bytes of a refused connection; returns what to answer (nil: just close, e.g. TLS).
    let answer: (ByteBuffer, String) -> String?

    init(
        policy: ConnectionPolicy, state: ConnectionState = ConnectionState(), answer: @escaping (ByteBuffer, String) -> String? = { _, text in text }
    ) {
        self.policy = policy
        self.state = state
        self.answer = answer
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Answers with these raw bytes and closes, bypassing the HTTP encoder (which gives no body to any answer to
    /// a CONNECT request).
    func refuseRaw(_ text: String) {
        guard let context else { return }
        refuse(context, ByteBuffer(), text)
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private var started = false
    private var sawBytes = false

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        state.admitted = policy.enter()
        if !state.admitted {
            // Over the cap: answer and close at once, so a flood cannot hold descriptors (the client may see a
            // reset instead of the answer if it sends after we closed; either way it learns to back off).
            return refuse(context, ByteBuffer(), RawRefusal.full(policy))
        }
        state.peer = PeerIdentity.of(context.channel, owner: policy.ownerUID, identifyTCP: policy.identifiesTCPPeers)
        // A client that connects and says nothing is let go after the first-byte timeout.
        armHeadTimer(context, policy.firstByteTimeout)
    }

    private func armHeadTimer(_ context: ChannelHandlerContext, _ timeout: TimeAmount?) {
        guard let timeout, state.headTimer == nil else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        state.headTimer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            guard handler.state.inFlight == 0, !handler.state.refused else { return }
            handler.refuse(context, ByteBuffer(), RawRefusal.headTimeout)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if started { policy.leave() }
        started = false
        state.headTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        DaemonActivity.note()
        if state.refused { return }
        let bytes = unwrapInboundIn(data)
        if !state.admitted {
            return refuse(context, bytes, RawRefusal.full(policy))
        }
        if case .foreign(let uid) = state.peer, !policy.shared {
            return refuse(context, bytes, RawRefusal.foreignUser(uid, policy: policy))
        }
        if !sawBytes {
            // The first bytes: from now on the head timer (not the first-byte one) applies.
            sawBytes = true
            state.headTimer?.cancel()
            state.headTimer = nil
        }
        if state.inFlight == 0 {
            armHeadTimer(context, policy.headTimeout)
            state.closeAfterResponse = Self.isHTTP10WithoutKeepAlive(bytes)
        }
        context.fireChannelRead(data)
    }

    /// The request head is complete (the HTTP side saw it).
    func headArrived() {
        sawBytes = true
        state.headTimer?.cancel()
        state.headTimer = nil
    }

    /// Whether these first bytes of a request are an HTTP/1.0 request line whose head (as far as it is here) does
    /// not ask for keep-alive: HTTP/1.0 closes after each response unless asked otherwise, and the HTTP types the
    /// server works with drop the version, so the guard remembers it.
    static func isHTTP10WithoutKeepAlive(_ bytes: ByteBuffer) -> Bool {
        // On every request's first read: look at the request line's bytes and stop there unless it is HTTP/1.0.
        let view = bytes.readableBytesView
        guard let lineEnd = view.firstIndex(of: UInt8(ascii: "\r")), lineEnd - view.startIndex >= 9,
            view[(lineEnd - 9)..<lineEnd].elementsEqual(" HTTP/1.0".utf8)
        else { return false }
        let head = String(decoding: view.prefix(8192), as: UTF8.self).lowercased()
        let headers = head.range(of: "\r\n\r\n").map { head[..<$0.lowerBound] } ?? head[...]
        return !headers.contains("connection: keep-alive")
    }

    /// The HTTP parser's own answer to a malformed request: an empty 400. Ours says what was wrong, as JSON.
    static let emptyBadRequest = Array("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8)
    static let jsonBadRequest = RawRefusal.response(
        code: .invalidRequest, message: "malformed HTTP request (the request line or a header could not be parsed)")

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .byteBuffer(let buffer) = unwrapOutboundIn(data), buffer.readableBytes == Self.emptyBadRequest.count,
            buffer.readableBytesView.elementsEqual(Self.emptyBadRequest)
        {
            let replacement = context.channel.allocator.buffer(string: Self.jsonBadRequest)
            context.write(wrapOutboundOut(.byteBuffer(replacement)), promise: promise)
            return
        }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func refuse(_ context: ChannelHandlerContext, _ first: ByteBuffer, _ text: String) {
        state.refused = true
        state.headTimer?.cancel()
        guard let reply = answer(first, text) else {
            context.close(promise: nil)
            return
        }
        let buffer = context.channel.allocator.buffer(string: reply)
        let channel = context.channel
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
