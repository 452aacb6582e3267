import Logging
import NIOCore
import NIOHTTP2
import NIOSSL
import NIOTLS

/// The first handler of every proxy connection: one port speaks both plain HTTP and HTTPS. A connection whose
/// first byte is 0x16 (a TLS handshake record; no HTTP method starts with it) gets TLS with ALPN, then HTTP/2
/// (`h2`) or HTTP/1.1 over it (or, with HTTPS off, is closed at once); any other connection is plain HTTP/1.1.
final class ProxyProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    let router: ProxyRouter
    let proxyPort: Int
    /// `nil` when HTTPS is off: every connection is plain HTTP.
    let certificates: ProxyCertificates?
    let logger: Logger

    init(router: ProxyRouter, proxyPort: Int, certificates: ProxyCertificates?, logger: Logger) {
        self.router = router
        self.proxyPort = proxyPort
        self.certificates = certificates
        self.logger = logger
    }

    /// The TLS record type of a handshake, the first byte of every ClientHello.
    static let handshakeRecord: UInt8 = 0x16

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
        let pipeline = context.pipeline.syncOperations
        do {
            if first == Self.handshakeRecord, let certificates {
                let tls = NIOSSLServerHandler(context: try certificates.serverContext())
                let router = self.router, proxyPort = self.proxyPort
                let alpn = ApplicationProtocolNegotiationHandler { result, channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.configureDecrypted(channel, result: result, router: router, proxyPort: proxyPort)
                    }
                }
                try pipeline.addHandler(tls, position: .after(self))
                try pipeline.addHandler(alpn, position: .after(tls))
                try pipeline.addHandler(CloseOnErrorHandler(), position: .after(alpn))
            } else if first == Self.handshakeRecord {
                // HTTPS is off: a TLS client would otherwise wait for an HTTP answer that never comes.
                context.close(promise: nil)
                return
            } else {
                try pipeline.addHandler(ProxyFrontHandler(router: router, proxyPort: proxyPort, scheme: "http"), position: .after(self))
            }
        } catch {
            logger.warning("proxy: cannot set up TLS: \(error)")
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        pipeline.removeHandler(self, promise: nil)
    }

    /// After the TLS handshake: HTTP/2 streams, each routed on its own, or the HTTP/1.1 proxy.
    static func configureDecrypted(_ channel: any Channel, result: ALPNResult, router: ProxyRouter, proxyPort: Int) throws {
        let pipeline = channel.pipeline.syncOperations
        if case .negotiated("h2") = result {
            _ = try pipeline.configureHTTP2Pipeline(
                mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
            ) { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                    try stream.pipeline.syncOperations.addHandler(HTTP2StreamProxyHandler(router: router, proxyPort: proxyPort))
                }
            }
        } else {
            try pipeline.addHandler(ProxyFrontHandler(router: router, proxyPort: proxyPort, scheme: "https"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// Closes a connection on any error that reaches the end of its pipeline (a failed handshake, an unclean close).
final class CloseOnErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
