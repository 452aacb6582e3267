import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The DNS responder on loopback, over UDP and TCP, as a service of the daemon.
final class DNSService: Service, Sendable {
    let resolver: DNSResolver
    let host: String
    let port: Int
    let logger: Logger
    /// Called with the UDP port actually bound (the configuration may ask the OS to choose).
    let onBound: @Sendable (Int) -> Void

    init(resolver: DNSResolver, host: String, port: Int, logger: Logger, onBound: @escaping @Sendable (Int) -> Void) {
        self.resolver = resolver
        self.host = host
        self.port = port
        self.logger = logger
        self.onBound = onBound
    }

    func run() async throws {
        // With an OS-chosen port (0), the UDP port the OS picked may already be taken for TCP by someone else: pick
        // again a few times rather than fail the daemon's start.
        var attempt = 0
        while true {
            attempt += 1
            do {
                let (udp, tcp, boundPort) = try await bindBoth()
                onBound(boundPort)
                logger.info("dns responder ready", metadata: ["port": "\(boundPort)", "domain": "\(resolver.domain)"])
                try? await gracefulShutdown()
                try? await udp.close()
                try? await tcp.close()
                return
            } catch {
                guard port == 0, attempt < 8 else { throw error }
            }
        }
    }

    /// Binds UDP on `port` (0: the OS picks), then TCP on the same port number.
    func bindBoth() async throws -> (any Channel, any Channel, Int) {
        let group = MultiThreadedEventLoopGroup.singleton
        let resolver = self.resolver
        let udp = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in channel.pipeline.addHandler(DNSUDPHandler(resolver: resolver)) }
            .bind(host: host, port: port).get()
        let boundPort = udp.localAddress?.port ?? port
        do {
            let tcp = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Out of descriptors, accept fails at once: wait a second instead of retrying in a hot loop.
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler()) }
                }
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // A DNS client gets 10 s of silence, then the connection closes (no idle connection is kept).
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: .seconds(10)))
                        try channel.pipeline.syncOperations.addHandler(IdleCloser())
                        try channel.pipeline.syncOperations.addHandler(DNSTCPHandler(resolver: resolver))
                    }
                }
                .bind(host: host, port: boundPort).get()
            return (udp, tcp, boundPort)
        } catch {
            try? await udp.close()
            throw error
        }
    }
}

/// One datagram in, one datagram out.
final class DNSUDPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let resolver: DNSResolver

    init(resolver: DNSResolver) { self.resolver = resolver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let query = Array(envelope.data.readableBytesView)
        guard let answer = resolver.respond(to: query) else { return }
        let out = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(bytes: answer))
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A bad datagram must never take the responder down; ICMP errors and the like are ignored.
    }
}

/// DNS over TCP: each message is prefixed by its 2-byte length.
final class DNSTCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let resolver: DNSResolver
    var pending: [UInt8] = []

    init(resolver: DNSResolver) { self.resolver = resolver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += unwrapInboundIn(data).readableBytesView
        while pending.count >= 2 {
            let length = Int(pending[0]) << 8 | Int(pending[1])
            guard pending.count >= 2 + length else { break }
            let query = Array(pending[2..<(2 + length)])
            pending.removeFirst(2 + length)
            guard let answer = resolver.respond(to: query) else {
                context.close(promise: nil)
                return
            }
            var buffer = context.channel.allocator.buffer(capacity: answer.count + 2)
            buffer.writeInteger(UInt16(answer.count))
            buffer.writeBytes(answer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        if pending.count > 70_000 { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
