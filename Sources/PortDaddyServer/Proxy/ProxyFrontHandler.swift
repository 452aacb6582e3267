import NIOCore
import NIOPosix
import PortDaddyAPI
import PortDaddyCore

/// Where the proxy sends `dashboard.localhost`: the daemon's own HTTP server on loopback.
struct DashboardTarget: Sendable {
    /// The reserved host name (`dashboard.localhost`). It always wins over a claim of the identity `dashboard`:
    /// the dashboard's origin is trusted by the daemon, so no claimed service may ever answer at it.
    static let host = "dashboard." + HostNames.localhostDomain
    let address: String
    /// The daemon's bound TCP port, read at connection time.
    let port: @Sendable () -> Int

    static func isDashboard(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name == Self.host
    }
}

/// Reads the first request head of a browser connection (plain, or already decrypted by TLS), routes it by its
/// `Host` (see ``ProxyRouter``), connects to the backend, forwards the head with `X-Forwarded-*` headers, and
/// glues the two connections together.
final class ProxyFrontHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let router: ProxyRouter
    let proxyPort: Int
    /// `http` or `https`: what the backend is told in `X-Forwarded-Proto`, and the scheme of the proxy's links.
    let scheme: String
    private var buffered: [UInt8] = []
    private var connecting = false

    init(router: ProxyRouter, proxyPort: Int, scheme: String = "http") {
        self.router = router
        self.proxyPort = proxyPort
        self.scheme = scheme
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !connecting else { return }
        buffered += unwrapInboundIn(data).readableBytesView
        guard let headEnd = ProxyRequestHead.end(in: buffered) else {
            if buffered.count > 64 * 1024 {
                reply(context, status: "431 Request Header Fields Too Large", body: ProxyPages.simple("Request head too large"))
            }
            return
        }
        connecting = true
        let head = ProxyRequestHead(Array(buffered[0..<headEnd]))
        let host = head.host ?? ""
        let address: String, port: Int, downPage: String
        switch router.route(host: host, scheme: scheme, proxyPort: proxyPort) {
        case .refuse(let status, let page):
            reply(context, status: status, body: page)
            return
        case .backend(let backAddress, let backPort, let page):
            (address, port, downPage) = (backAddress, backPort, page)
        }
        let remote = context.channel.remoteAddress?.ipAddress ?? "127.0.0.1"
        let forwarded = head.forwarded(for: remote, host: host, proto: scheme)
        let rest = Array(buffered[headEnd...])
        buffered = []
        let front = context.channel
        let loop = context.eventLoop
        let isolated = NIOLoopBound((self, context), eventLoop: loop)
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: address, port: port)
            .hop(to: loop)
            .whenComplete { result in
                let (handler, context) = isolated.value
                switch result {
                case .failure:
                    handler.reply(context, status: "502 Bad Gateway", body: downPage)
                case .success(let back):
                    let (frontGlue, backGlue) = GlueHandler.pair()
                    do {
                        try back.pipeline.syncOperations.addHandler(backGlue)
                        try front.pipeline.syncOperations.addHandler(frontGlue)
                    } catch {
                        back.close(promise: nil)
                        front.close(promise: nil)
                        return
                    }
                    var out = back.allocator.buffer(capacity: forwarded.count + rest.count)
                    out.writeBytes(forwarded)
                    out.writeBytes(rest)
                    back.writeAndFlush(out, promise: nil)
                    front.pipeline.syncOperations.removeHandler(handler, promise: nil)
                }
            }
    }

    func reply(_ context: ChannelHandlerContext, status: String, body: String) {
        let bytes = Array(body.utf8)
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(bytes.count)\r\nConnection: "
            + "close\r\nCache-Control: no-store\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + bytes.count)
        buffer.writeString(head)
        buffer.writeBytes(bytes)
        let isolated = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in isolated.value.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// The parts of an HTTP/1.x request head the proxy needs.
struct ProxyRequestHead {
    let lines: [String]

    init(_ bytes: [UInt8]) {
        lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    static func end(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    var host: String? {
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "host" { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    static func stripPort(_ host: String) -> String {
        if host.hasPrefix("[") { return host }
        return host.split(separator: ":").first.map(String.init) ?? host
    }

    /// Whether the request asks to switch protocols (a WebSocket).
    var isUpgrade: Bool {
        lines.dropFirst().contains { $0.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() == "upgrade" } ?? false }
    }

    /// The head with `X-Forwarded-For/Host/Proto` set (replacing any the client sent). A request that is not an
    /// upgrade also gets `Connection: close`: the proxy routes a connection by its first request only, so a
    /// kept-alive connection must not carry a second request, perhaps for another name, to the same backend.
    func forwarded(for client: String, host: String, proto: String) -> [UInt8] {
        let upgrade = isUpgrade
        var out = lines.filter { line in
            let name = line.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            if !upgrade && ["connection", "keep-alive"].contains(name) { return false }
            return !["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"].contains(name)
        }
        out += ["X-Forwarded-For: \(client)", "X-Forwarded-Host: \(host)", "X-Forwarded-Proto: \(proto)"]
        if !upgrade { out.append("Connection: close") }
        return Array((out.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension Set where Element == Character {
    fileprivate static let whitespaces: Set<Character> = [" ", "\t"]
}
