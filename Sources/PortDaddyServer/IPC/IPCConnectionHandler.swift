import NIOCore
import PortDaddyAPI
import PortDaddyCore
import PortDaddyWire

/// Sent down every IPC connection's pipeline when the daemon shuts down gracefully.
struct IPCShutdownEvent {}

/// One IPC connection, entirely on its event loop: refuses other users and overflow, cuts the byte stream into
/// frames, answers each `request` through the ``IPCDispatcher`` in the same loop turn, and keeps the open
/// conversations (lock waits and subscriptions), which answer later and end when the client cancels them or goes
/// away. docs/IPC.md lists what it does for every failure mode.
final class IPCConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A conversation that outlives its first answer. `serial` tells a reused conversation id from the one that
    /// ended before it.
    struct Conversation {
        enum Kind {
            case lockWait(Task<Void, Never>)
            case subscription(ChannelHub.Subscription)
        }
        let serial: UInt64
        let kind: Kind

        func cancel() {
            switch kind {
            case .lockWait(let task): task.cancel()
            case .subscription(let subscription): subscription.cancel()
            }
        }
    }

    let policy: ConnectionPolicy
    let dispatcher: IPCDispatcher
    /// How long a frame may take to arrive once its first byte has (against slowloris).
    let frameTimeout: TimeAmount

    private var splitter = FrameSplitter()
    private var conversations: [String: Conversation] = [:]
    /// Each open subscription's cursor: the id of the last message written to it.
    private var cursors: [String: Int64] = [:]
    private var nextSerial: UInt64 = 0
    private var context: ChannelHandlerContext?
    private var entered = false
    private var closing = false
    private var frameTimer: Scheduled<Void>?

    init(policy: ConnectionPolicy, dispatcher: IPCDispatcher, frameTimeout: TimeAmount) {
        self.policy = policy
        self.dispatcher = dispatcher
        self.frameTimeout = frameTimeout
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    /// Counts the connection and checks whose it is, before reading anything.
    private func start(_ context: ChannelHandlerContext) {
        guard !entered else { return }
        entered = true
        guard policy.enter() else {
            return refuseAndClose(
                context, .tooManyConnections,
                "the IPC socket has \(policy.maxConnections) connections open; try again (or use the HTTP socket)")
        }
        if case .foreign(let uid) = PeerIdentity.of(context.channel, owner: policy.ownerUID) {
            refuseAndClose(
                context, .foreignUser, "this Port Daddy belongs to uid \(policy.ownerUID); uid \(uid) may not use it (run your own: pd start)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if entered { policy.leave() }
        entered = false
        frameTimer?.cancel()
        // The client is gone: a queued lock wait leaves the queue, a subscription stops.
        let open = conversations.values
        conversations.removeAll()
        cursors.removeAll()
        for conversation in open { conversation.cancel() }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IPCShutdownEvent else { return context.fireUserInboundEventTriggered(event) }
        for (id, conversation) in conversations {
            conversation.cancel()
            context.write(
                wrap(
                    failure(id, .shuttingDown, "the daemon is shutting down; reconnect once it is back", reason: "shutting-down", cursor: cursors[id])
                ),
                promise: nil)
        }
        conversations.removeAll()
        cursors.removeAll()
        closing = true
        let channel = context.channel
        context.writeAndFlush(wrap(nil)).whenComplete { _ in channel.close(promise: nil) }
        // A client that does not read would keep the flush (and the daemon's shutdown) waiting: close regardless.
        context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// A client that does not read its answers stops being read from until it does, so it cannot make the
    /// daemon buffer answers without bound.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        context.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenFailure { _ in }
        context.fireChannelWritabilityChanged()
    }

    // MARK: reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        DaemonActivity.note()  // the idle trimmer must see IPC traffic too (this listener has no ConnectionGuard)
        guard !closing else { return }
        let bytes = unwrapInboundIn(data)
        splitter.append(bytes.readableBytesView)
        while !closing {
            let payload: [UInt8]
            do throws(WireError) {
                guard let next = try splitter.next() else { break }
                payload = next
            } catch {
                if case .frameTooLarge = error {
                    // The stream cannot be resynchronised after a length we will not read: answer and close.
                    return refuseAndClose(context, error.code, error.description, performative: .notUnderstood)
                }
                context.write(wrap(notUnderstood("", error)), promise: nil)
                continue
            }
            handle(context, payload)
        }
        if splitter.pending > 0 {
            armFrameTimer(context)
        } else {
            frameTimer?.cancel()
            frameTimer = nil
        }
        context.flush()
    }

    private func armFrameTimer(_ context: ChannelHandlerContext) {
        guard frameTimer == nil else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let seconds = Double(frameTimeout.nanoseconds) / 1e9
        frameTimer = context.eventLoop.scheduleTask(in: frameTimeout) {
            let (handler, context) = bound.value
            handler.frameTimer = nil
            guard handler.splitter.pending > 0, !handler.closing else { return }
            handler.refuseAndClose(context, .requestTimeout, "the rest of the frame did not arrive within \(seconds) s", performative: .notUnderstood)
        }
    }

    private func handle(_ context: ChannelHandlerContext, _ payload: [UInt8]) {
        let value: MessagePackValue
        do throws(WireError) { value = try MessagePackReader.decode(payload) } catch {
            return context.write(wrap(notUnderstood("", error)), promise: nil)
        }
        let message: IPCMessage
        do throws(WireError) { message = try IPCMessage.parse(value) } catch {
            return context.write(wrap(notUnderstood(IPCMessage.conversationID(of: value), error)), promise: nil)
        }
        let id = message.conversationID
        switch message.performative {
        case .request, .subscribe:
            guard conversations[id] == nil else {
                return context.write(
                    wrap(
                        refusal(
                            id, .invalidRequest,
                            "conversation \"\(id)\" is still open (a lock wait or a subscription); use another conversation-id or cancel it")),
                    promise: nil)
            }
            if message.performative == .request {
                request(context, id, message.content, sender: message.sender)
            } else {
                subscribe(context, id, message.content)
            }
        case .cancel:
            cancel(context, id)
        case .inform, .agree, .refuse, .failure, .notUnderstood:
            context.write(
                wrap(
                    notUnderstood(
                        id, .invalidEnvelope("a client sends request, subscribe or cancel; \(message.performative.rawValue) is the daemon's"))),
                promise: nil)
        }
    }

    // MARK: requests

    private func request(_ context: ChannelHandlerContext, _ id: String, _ content: MessagePackValue, sender: String?) {
        guard let op = content["op"]?.stringValue else {
            return context.write(wrap(refusal(id, .invalidRequest, "content.op must be a string naming the operation")), promise: nil)
        }
        do {
            switch try dispatcher.perform(op, content["args"] ?? .map([]), sender: sender) {
            case .inform(let result):
                context.write(wrap(IPCMessage(.inform, conversationID: id, content: result)), promise: nil)
            case .lockWait(let command):
                wait(context, id, command)
            }
        } catch {
            context.write(wrap(errorReply(id, error)), promise: nil)
        }
    }

    /// Queues for a lock off the loop (the only operation that waits): `agree` now, `inform` when granted.
    private func wait(_ context: ChannelHandlerContext, _ id: String, _ command: LockCommand) {
        nextSerial += 1
        let serial = nextSerial
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let locks = dispatcher.locks
        let task = Task {
            let result: Result<Lock, any Error>
            do { result = .success(try await locks.acquire(command)) } catch { result = .failure(error) }
            loop.execute { bound.value.waitEnded(id, serial, result) }
        }
        conversations[id] = Conversation(serial: serial, kind: .lockWait(task))
        context.write(wrap(IPCMessage(.agree, conversationID: id, content: .object(["queued": .bool(true)]))), promise: nil)
    }

    private func waitEnded(_ id: String, _ serial: UInt64, _ result: Result<Lock, any Error>) {
        guard conversations[id]?.serial == serial, let context, context.channel.isActive else {
            // Cancelled, or the client went away: a lock granted anyway goes straight back to the queue.
            if case .success(let lock) = result { _ = try? dispatcher.locks.release(name: lock.name, owner: lock.owner, token: lock.token) }
            return
        }
        conversations[id] = nil
        switch result {
        case .success(let lock):
            let info = dispatcher.granted(lock)
            let content = (try? dispatcher.encode(info)) ?? .map([])
            context.writeAndFlush(wrap(IPCMessage(.inform, conversationID: id, content: content)), promise: nil)
        case .failure(let error):
            context.writeAndFlush(wrap(errorReply(id, error)), promise: nil)
        }
    }

    // MARK: subscriptions

    private func subscribe(_ context: ChannelHandlerContext, _ id: String, _ content: MessagePackValue) {
        let channels = dispatcher.channels
        let subscription: ChannelHub.Subscription
        var cursor: Int64
        do {
            let body = try dispatcher.decode(IPCSubscribeArguments.self, content["args"] ?? .map([]))
            let pattern = try ChannelService.pattern(body.pattern)
            try channels.checkRoomForSubscriber()
            // Register first, then replay from the store: nothing published in between is lost (ids dedupe).
            cursor = try body.after ?? channels.latestID()
            subscription = channels.hub.subscribe(pattern)
            do {
                var replay: [ChannelMessageInfo] = []
                if body.after != nil {
                    while true {
                        let batch = try channels.history(pattern, after: cursor, limit: 500)
                        guard let last = batch.last else { break }
                        replay += batch
                        cursor = last.id
                    }
                }
                context.write(wrap(IPCMessage(.agree, conversationID: id, content: .object(["cursor": .int(body.after ?? cursor)]))), promise: nil)
                for message in replay {
                    context.write(wrap(IPCMessage(.inform, conversationID: id, content: try dispatcher.encode(message))), promise: nil)
                }
            } catch {
                subscription.cancel()
                throw error
            }
        } catch {
            return context.write(wrap(errorReply(id, error)), promise: nil)
        }
        nextSerial += 1
        let serial = nextSerial
        conversations[id] = Conversation(serial: serial, kind: .subscription(subscription))
        cursors[id] = cursor
        let loop = context.eventLoop
        let channel = context.channel
        let bound = NIOLoopBound(self, eventLoop: loop)
        // Dropped as too slow: a client that still reads gets the failure below; one that does not is cut off after
        // a moment, which frees what its unread answers hold.
        subscription.onDrop {
            loop.scheduleTask(in: .seconds(2)) { if !channel.isWritable { channel.close(promise: nil) } }
        }
        let start = cursor
        Task {
            var cursor = start
            for await delivery in subscription.messages {
                guard case .message(let message) = delivery, message.id > cursor else { continue }
                cursor = message.id
                let written = loop.flatSubmit { bound.value.push(id, serial, message, on: loop) }
                // Wait for the socket only when it is full: the hub's bounded queue then fills, and a subscriber
                // that never reads is dropped instead of growing the daemon's memory.
                if !channel.isWritable { try? await written.get() }
            }
            let end = subscription.end
            let last = cursor
            loop.execute { bound.value.subscriptionEnded(id, serial, end, cursor: last) }
        }
    }

    /// Writes one pushed message (on the loop), unless its subscription ended meanwhile.
    private func push(_ id: String, _ serial: UInt64, _ message: ChannelMessageInfo, on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard let context, conversations[id]?.serial == serial, let content = try? dispatcher.encode(message) else {
            return loop.makeSucceededVoidFuture()
        }
        cursors[id] = message.id
        return context.writeAndFlush(wrap(IPCMessage(.inform, conversationID: id, content: content)))
    }

    private func subscriptionEnded(_ id: String, _ serial: UInt64, _ end: ChannelHub.End?, cursor: Int64) {
        guard conversations[id]?.serial == serial, let context else { return }
        conversations[id] = nil
        cursors[id] = nil
        let frame: IPCMessage
        switch end {
        case .tooSlow:
            frame = failure(
                id, .resourceExhausted, "this subscriber fell too far behind and was dropped; resubscribe after its cursor", reason: "too-slow",
                cursor: cursor)
        case .shuttingDown, nil:
            frame = failure(
                id, .shuttingDown, "the daemon is shutting down; resubscribe after its cursor once it is back", reason: "shutting-down",
                cursor: cursor)
        }
        context.writeAndFlush(wrap(frame), promise: nil)
    }

    private func cancel(_ context: ChannelHandlerContext, _ id: String) {
        cursors[id] = nil
        guard let conversation = conversations.removeValue(forKey: id) else {
            return context.write(wrap(refusal(id, .notFound, "no open conversation \"\(id)\" to cancel")), promise: nil)
        }
        conversation.cancel()
        context.write(wrap(IPCMessage(.inform, conversationID: id, content: .object(["cancelled": .bool(true)]))), promise: nil)
    }

    // MARK: answers

    private func wrap(_ message: IPCMessage?) -> NIOAny {
        guard let message else { return wrapOutboundOut(ByteBuffer()) }
        return wrapOutboundOut(ByteBuffer(bytes: message.frame))
    }

    private func refusal(_ id: String, _ code: ErrorCode, _ text: String) -> IPCMessage {
        IPCMessage(.refuse, conversationID: id, content: IPCMessage.errorContent(code: code.rawValue, message: text))
    }

    private func failure(_ id: String, _ code: ErrorCode, _ text: String, reason: String, cursor: Int64? = nil) -> IPCMessage {
        var extra = [MessagePackEntry("reason", .string(reason))]
        if let cursor { extra.append(MessagePackEntry("cursor", .int(cursor))) }
        return IPCMessage(.failure, conversationID: id, content: IPCMessage.errorContent(code: code.rawValue, message: text, extra: extra))
    }

    private func notUnderstood(_ id: String, _ error: WireError) -> IPCMessage {
        IPCMessage(.notUnderstood, conversationID: id, content: IPCMessage.errorContent(code: error.code.rawValue, message: error.description))
    }

    /// `refuse` for what the caller can fix (the same code HTTP answers), `failure` for what went wrong in the daemon.
    private func errorReply(_ id: String, _ error: any Error) -> IPCMessage {
        switch error {
        case let error as PortDaddyError:
            switch error.code {
            case .storage, .internal, .resourceExhausted:
                return failure(id, error.code, error.description, reason: "failed")
            default:
                return refusal(id, error.code, error.description)
            }
        case let error as InvalidValue:
            return refusal(id, error.code, error.message)
        case let error as IPCDispatcher.UnknownOperation:
            return refusal(id, .notFound, error.message)
        case let error as DecodingError:
            return refusal(id, .invalidRequest, "invalid args: " + Self.describe(error))
        case is CancellationError:
            return failure(id, .shuttingDown, "the daemon is shutting down; try again once it is back", reason: "shutting-down")
        default:
            return failure(id, .internal, "internal error: \(error)", reason: "failed")
        }
    }

    /// A decoding error as `field: what was wrong`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.isEmpty ? "args" : keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .typeMismatch(_, let context), .dataCorrupted(let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        @unknown default:
            return "\(error)"
        }
    }

    /// Writes a refusal and closes once it is written; nothing more is read.
    private func refuseAndClose(_ context: ChannelHandlerContext, _ code: ErrorCode, _ text: String, performative: Performative = .refuse) {
        closing = true
        frameTimer?.cancel()
        let message = IPCMessage(performative, conversationID: "", content: IPCMessage.errorContent(code: code.rawValue, message: text))
        let channel = context.channel
        context.writeAndFlush(wrap(message)).whenComplete { _ in channel.close(promise: nil) }
    }
}
