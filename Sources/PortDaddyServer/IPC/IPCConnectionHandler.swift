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
            case subscription(ChannelHub.Subscription, IPCFanout)
        }
        let serial: UInt64
        let kind: Kind

        func cancel() {
            switch kind {
            case .lockWait(let task): task.cancel()
            case .subscription(let subscription, let fanout): fanout.cancel(subscription)
            }
        }
    }

    /// An open subscription's pushed messages: the head of its `inform` frames, and the messages waiting for a
    /// full socket to drain (the hub counts them against the subscriber's limits until they are written).
    struct Pushed {
        let head: [UInt8]
        var backlog: [IPCFanout.Outgoing] = []
    }

    /// An answer held back until the writes read in this event-loop turn have committed, so answers keep the
    /// order of their requests.
    enum Queued {
        case ready(IPCMessage)
        case afterCommit(String, () throws -> MessagePackValue)
    }

    let policy: ConnectionPolicy
    let dispatcher: IPCDispatcher
    let fanout: IPCFanout
    /// How long a frame may take to arrive once its first byte has (against slowloris).
    let frameTimeout: TimeAmount

    private var splitter = FrameSplitter()
    private var conversations: [String: Conversation] = [:]
    /// Each open subscription's cursor: the id of the last message written to it.
    private var cursors: [String: Int64] = [:]
    private var pushed: [String: Pushed] = [:]
    /// Answers waiting for the group commit: finished once per event-loop turn, after every connection the loop
    /// read has queued its writes, so they share one transaction.
    private var queued: [Queued] = []
    private var finishScheduled = false
    private var nextSerial: UInt64 = 0
    private var context: ChannelHandlerContext?
    private var entered = false
    private var closing = false
    private var frameTimer: Scheduled<Void>?
    /// The connecting process (SO_PEERCRED), read once at the start.
    private var peerPID: Int32?

    init(policy: ConnectionPolicy, dispatcher: IPCDispatcher, fanout: IPCFanout, frameTimeout: TimeAmount) {
        self.policy = policy
        self.dispatcher = dispatcher
        self.fanout = fanout
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
        peerPID = PeerProcess.pidOnLoop(context.channel)
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
        pushed.removeAll()
        for conversation in open { conversation.cancel() }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IPCShutdownEvent else { return context.fireUserInboundEventTriggered(event) }
        finishQueued()
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
        pushed.removeAll()
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
        if context.channel.isWritable { drainBacklogs(context) }
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
                send(context, notUnderstood("", error))
                continue
            }
            handle(context, payload)
        }
        if !queued.isEmpty, !finishScheduled {
            finishScheduled = true
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { bound.value.finishQueued() }
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
            return send(context, notUnderstood("", error))
        }
        let message: IPCMessage
        do throws(WireError) { message = try IPCMessage.parse(value) } catch {
            return send(context, notUnderstood(IPCMessage.conversationID(of: value), error))
        }
        let id = message.conversationID
        switch message.performative {
        case .request, .subscribe:
            guard conversations[id] == nil else {
                return send(
                    context,
                    refusal(
                        id, .invalidRequest,
                        "conversation \"\(id)\" is still open (a lock wait or a subscription); use another conversation-id or cancel it"))
            }
            if message.performative == .request {
                request(context, id, message.content, sender: message.sender)
            } else {
                finishQueued()  // what opens or ends a conversation is answered after everything before it
                subscribe(context, id, message.content)
            }
        case .cancel:
            finishQueued()
            cancel(context, id)
        case .inform, .agree, .refuse, .failure, .notUnderstood:
            send(
                context,
                notUnderstood(id, .invalidEnvelope("a client sends request, subscribe or cancel; \(message.performative.rawValue) is the daemon's")))
        }
    }

    // MARK: requests

    private func request(_ context: ChannelHandlerContext, _ id: String, _ content: MessagePackValue, sender: String?) {
        guard let op = content["op"]?.stringValue else {
            return send(context, refusal(id, .invalidRequest, "content.op must be a string naming the operation"))
        }
        if dispatcher.offLoop { return performOffLoop(context, id, op, content["args"] ?? .map([]), sender: sender) }
        do {
            switch try dispatcher.perform(op, content["args"] ?? .map([]), sender: sender, peer: peerPID) {
            case .inform(let result):
                send(context, IPCMessage(.inform, conversationID: id, content: result))
            case .afterCommit(let finish):
                queued.append(.afterCommit(id, finish))
            case .lockWait(let command):
                finishQueued()
                wait(context, id, command)
            }
        } catch {
            send(context, errorReply(id, error))
        }
    }

    /// Cluster mode: performs the request in a task (it waits on PostgreSQL, which an event loop must not), as an
    /// open conversation a `cancel` ends; a lock that has to be queued for is answered `agree`, then `inform`.
    private func performOffLoop(_ context: ChannelHandlerContext, _ id: String, _ op: String, _ args: MessagePackValue, sender: String?) {
        finishQueued()
        nextSerial += 1
        let serial = nextSerial
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let (dispatcher, peer) = (self.dispatcher, peerPID)
        let task = Task {
            let result: Result<MessagePackValue, any Error>
            do {
                switch try dispatcher.perform(op, args, sender: sender, peer: peer) {
                case .inform(let value): result = .success(value)
                case .afterCommit(let finish): result = .success(try finish())
                case .lockWait(let command):
                    loop.execute { bound.value.agreeQueued(id, serial) }
                    let lock = try await dispatcher.locks.acquire(command)
                    if Task.isCancelled {
                        // The client went away while it queued: the lock goes straight back.
                        _ = try? dispatcher.locks.release(name: lock.name, owner: lock.owner, token: lock.token)
                        throw CancellationError()
                    }
                    result = .success(try dispatcher.encode(dispatcher.granted(lock)))
                }
            } catch {
                result = .failure(error)
            }
            loop.execute { bound.value.offLoopEnded(id, serial, result) }
        }
        conversations[id] = Conversation(serial: serial, kind: .lockWait(task))
    }

    private func agreeQueued(_ id: String, _ serial: UInt64) {
        guard conversations[id]?.serial == serial, let context, context.channel.isActive else { return }
        context.writeAndFlush(wrap(IPCMessage(.agree, conversationID: id, content: .object(["queued": .bool(true)]))), promise: nil)
    }

    private func offLoopEnded(_ id: String, _ serial: UInt64, _ result: Result<MessagePackValue, any Error>) {
        guard conversations[id]?.serial == serial, let context, context.channel.isActive else { return }
        conversations[id] = nil
        switch result {
        case .success(let value): context.writeAndFlush(wrap(IPCMessage(.inform, conversationID: id, content: value)), promise: nil)
        case .failure(let error): context.writeAndFlush(wrap(errorReply(id, error)), promise: nil)
        }
    }

    /// Writes an answer now, or after the answers waiting for the commit when there are some.
    private func send(_ context: ChannelHandlerContext, _ message: IPCMessage) {
        if queued.isEmpty {
            context.write(wrap(message), promise: nil)
        } else {
            queued.append(.ready(message))
        }
    }

    /// Waits for the commit of the writes queued so far (the first caller on the loop commits them all), then
    /// writes the held answers in order. Runs even when the client has gone: its writes must still be settled.
    func finishQueued() {
        finishScheduled = false
        guard !queued.isEmpty else { return }
        let answers = queued
        queued.removeAll(keepingCapacity: true)
        for answer in answers {
            let message: IPCMessage
            switch answer {
            case .ready(let ready):
                message = ready
            case .afterCommit(let id, let finish):
                do { message = IPCMessage(.inform, conversationID: id, content: try finish()) } catch { message = errorReply(id, error) }
            }
            context?.write(wrap(message), promise: nil)
        }
        context?.flush()
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
        nextSerial += 1
        let serial = nextSerial
        let subscription: ChannelHub.Subscription
        var cursor: Int64
        do {
            let body = try dispatcher.decode(IPCSubscribeArguments.self, content["args"] ?? .map([]))
            let pattern = try ChannelService.pattern(body.pattern)
            try channels.checkRoomForSubscriber()
            // Register first, then replay from the store: nothing published in between is lost (ids dedupe). Pushes
            // for this connection run on this loop, so none is written before the replay.
            cursor = try body.after ?? channels.latestID()
            subscription = fanout.subscribe(pattern, on: channels.hub, handler: self, loop: context.eventLoop, conversationID: id, serial: serial)
            do {
                guard subscription.end == nil else { throw CancellationError() }
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
                fanout.cancel(subscription)
                throw error
            }
        } catch {
            return context.write(wrap(errorReply(id, error)), promise: nil)
        }
        conversations[id] = Conversation(serial: serial, kind: .subscription(subscription, fanout))
        cursors[id] = cursor
        pushed[id] = Pushed(head: IPCMessage.head(.inform, conversationID: id))
        let channel = context.channel
        // Dropped as too slow: a client that still reads gets the failure below; one that does not is cut off after
        // a moment, which frees what its unread answers hold.
        subscription.onDrop {
            channel.eventLoop.scheduleTask(in: .seconds(2)) { if !channel.isWritable { channel.close(promise: nil) } }
        }
    }

    /// Writes one pushed message (on the loop, from ``IPCFanout``) unless its subscription ended meanwhile or the
    /// replay already wrote it; behind a full socket it joins the backlog. Returns whether it wrote (flush pending).
    func push(_ outgoing: IPCFanout.Outgoing, route: IPCFanout.Route) -> Bool {
        let id = route.conversationID
        guard let context, conversations[id]?.serial == route.serial, let state = pushed[id] else { return false }
        guard outgoing.message.id > (state.backlog.last?.message.id ?? cursors[id] ?? 0) else {
            route.subscription.written(outgoing.message)  // a duplicate of the replay: not queued after all
            return false
        }
        guard state.backlog.isEmpty, context.channel.isWritable else {
            pushed[id]?.backlog.append(outgoing)
            return false
        }
        writePushed(context, id, state.head, outgoing, route.subscription)
        return true
    }

    /// Flushes what ``push(_:route:)`` wrote (once per run of pushes).
    func flushPushes() { context?.flush() }

    private func writePushed(
        _ context: ChannelHandlerContext, _ id: String, _ head: [UInt8], _ outgoing: IPCFanout.Outgoing, _ subscription: ChannelHub.Subscription
    ) {
        let length = head.count + outgoing.content.count
        var buffer = context.channel.allocator.buffer(capacity: 4 + length)
        buffer.writeInteger(UInt32(length))
        buffer.writeBytes(head)
        buffer.writeBytes(outgoing.content)
        context.write(wrapOutboundOut(buffer), promise: nil)
        cursors[id] = outgoing.message.id
        subscription.written(outgoing.message)
    }

    /// The socket drained: writes the backlogs while it stays writable.
    private func drainBacklogs(_ context: ChannelHandlerContext) {
        var wrote = false
        for (id, state) in pushed where !state.backlog.isEmpty {
            guard case .subscription(let subscription, _)? = conversations[id]?.kind else { continue }
            var sent = 0
            for outgoing in state.backlog {
                guard context.channel.isWritable else { break }
                writePushed(context, id, state.head, outgoing, subscription)
                sent += 1
            }
            pushed[id]?.backlog.removeFirst(sent)
            wrote = wrote || sent > 0
        }
        if wrote { context.flush() }
    }

    /// The hub ended a subscription (too slow, or shutting down): `failure` with the cursor to resume after. What
    /// waited in its backlog is not written; it comes after the cursor.
    func subscriptionEnded(_ route: IPCFanout.Route) {
        let id = route.conversationID
        guard conversations[id]?.serial == route.serial, let context else { return }
        conversations[id] = nil
        pushed[id] = nil
        let cursor = cursors.removeValue(forKey: id) ?? 0
        let frame: IPCMessage
        switch route.subscription.end {
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
        pushed[id] = nil
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
        finishQueued()
        closing = true
        frameTimer?.cancel()
        let message = IPCMessage(performative, conversationID: "", content: IPCMessage.errorContent(code: code.rawValue, message: text))
        let channel = context.channel
        context.writeAndFlush(wrap(message)).whenComplete { _ in channel.close(promise: nil) }
    }
}
