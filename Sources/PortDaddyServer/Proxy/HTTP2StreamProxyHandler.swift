import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/2 stream of a TLS connection (already turned into HTTP/1 parts by `HTTP2FramePayloadToHTTP1ServerCodec`),
/// routed by its own `:authority` and forwarded to the HTTP/1.1 backend on a connection of its own. Responses
/// stream back part by part (SSE works); each side reads only while the other can write.
final class HTTP2StreamProxyHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case connecting(pending: [HTTPServerRequestPart])
        case forwarding(HTTP2BackendRelay)
        case answered
    }

    let router: ProxyRouter
    let proxyPort: Int
    private var state = State.idle
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    init(router: ProxyRouter, proxyPort: Int) {
        self.router = router
        self.proxyPort = proxyPort
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .idle:
            guard case .head(let head) = part else { return context.close(promise: nil) }
            start(context: context, head: head)
        case .connecting(var pending):
            pending.append(part)
            state = .connecting(pending: pending)
        case .forwarding(let relay):
            relay.forward(part)
        case .answered:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .forwarding(let relay) = state { relay.flush() }
    }

    private func start(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let host = head.headers.first(name: "host") ?? ""
        switch router.route(host: host, scheme: "https", proxyPort: proxyPort) {
        case .refuse(let status, let page):
            answer(context, status: status, page: page)
        case .backend(let address, let port, let downPage):
            state = .connecting(pending: [.head(Self.forwarded(head, client: context.channel.remoteAddress?.ipAddress ?? "127.0.0.1", host: host))])
            let isolated = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            ClientBootstrap(group: context.eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { back in
                    back.eventLoop.makeCompletedFuture { try back.pipeline.syncOperations.addHTTPClientHandlers() }
                }
                .connect(host: address, port: port)
                .hop(to: context.eventLoop)
                .whenComplete { result in
                    let (handler, context) = isolated.value
                    handler.connected(context, result: result, downPage: downPage)
                }
        }
    }

    private func connected(_ context: ChannelHandlerContext, result: Result<any Channel, any Error>, downPage: String) {
        guard case .connecting(let pending) = state else {
            if case .success(let back) = result { back.close(promise: nil) }
            return
        }
        switch result {
        case .failure:
            answer(context, status: "502 Bad Gateway", page: downPage)
        case .success(let back):
            let relay = HTTP2BackendRelay(stream: self)
            do {
                try back.pipeline.syncOperations.addHandler(relay)
            } catch {
                back.close(promise: nil)
                context.close(promise: nil)
                return
            }
            state = .forwarding(relay)
            for part in pending { relay.forward(part) }
            relay.flush()
            if pendingRead {
                pendingRead = false
                context.read()
            }
        }
    }

    /// The request as the backend sees it: HTTP/1.1, `X-Forwarded-*` replaced, and `Connection: close` (one
    /// request per backend connection).
    static func forwarded(_ head: HTTPRequestHead, client: String, host: String) -> HTTPRequestHead {
        var head = head
        head.version = .http1_1
        for name in ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "connection", "keep-alive"] {
            head.headers.remove(name: name)
        }
        head.headers.add(name: "X-Forwarded-For", value: client)
        head.headers.add(name: "X-Forwarded-Host", value: host)
        head.headers.add(name: "X-Forwarded-Proto", value: "https")
        head.headers.add(name: "Connection", value: "close")
        return head
    }

    private func answer(_ context: ChannelHandlerContext, status: String, page: String) {
        state = .answered
        let code = Int(status.prefix(3)) ?? 500
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/html; charset=utf-8")
        headers.add(name: "content-length", value: String(page.utf8.count))
        headers.add(name: "cache-control", value: "no-store")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http2, status: .init(statusCode: code), headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: page)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    // MARK: Called by the relay, on the same event loop.

    func backendSent(_ part: HTTPServerResponsePart) { context?.write(wrapOutboundOut(part), promise: nil) }
    func backendFlushed() { context?.flush() }
    func backendClosed(complete: Bool) {
        state = .answered
        if !complete { context?.close(promise: nil) }
    }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    func read(context: ChannelHandlerContext) {
        if case .forwarding(let relay) = state, !relay.isWritable {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .forwarding(let relay) = state { relay.resume() }
        context.fireChannelWritabilityChanged()
    }

    func resumeReading() {
        guard pendingRead else { return }
        pendingRead = false
        context?.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .forwarding(let relay) = state { relay.close() }
        state = .answered
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .forwarding(let relay) = state { relay.close() }
        context.close(promise: nil)
    }
}

/// The backend side of one HTTP/2 stream: HTTP/1.1 response parts go back to the stream as they arrive.
final class HTTP2BackendRelay: ChannelInboundHandler, ChannelOutboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private var stream: HTTP2StreamProxyHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private var complete = false

    init(stream: HTTP2StreamProxyHandler) { self.stream = stream }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func forward(_ part: HTTPServerRequestPart) {
        guard let context else { return }
        switch part {
        case .head(let head): context.write(wrapOutboundOut(.head(head)), promise: nil)
        case .body(let body): context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        case .end(let trailers): context.write(wrapOutboundOut(.end(trailers)), promise: nil)
        }
    }

    func flush() { context?.flush() }
    func close() { context?.close(promise: nil) }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    func resume() {
        guard pendingRead else { return }
        pendingRead = false
        context?.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): stream?.backendSent(.head(HTTPResponseHead(version: .http2, status: head.status, headers: head.headers)))
        case .body(let body): stream?.backendSent(.body(.byteBuffer(body)))
        case .end(let trailers):
            complete = true
            stream?.backendSent(.end(trailers))
            stream?.backendFlushed()
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) { stream?.backendFlushed() }

    func read(context: ChannelHandlerContext) {
        if stream?.isWritable ?? true {
            context.read()
        } else {
            pendingRead = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { stream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream?.backendClosed(complete: complete)
        stream = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
