/// The FIPA ACL communicative acts the IPC protocol uses (docs/IPC.md says what each means here).
public enum Performative: String, Sendable, CaseIterable {
    /// Client → daemon: perform the action in `content` (`{op, args}`).
    case request
    /// Daemon → client: the result of a request, a pushed channel message, or the end of a cancel.
    case inform
    /// Daemon → client: the request is accepted and will be answered later (a queued lock wait, a subscription).
    case agree
    /// Daemon → client: the request will not be performed (bad input, a held lock...): `{code, error}`.
    case refuse
    /// Daemon → client: the action was attempted and failed, or a subscription ended: `{code, error, reason?}`.
    case failure
    /// Client → daemon: inform me of every message on channels matching `content.args.pattern`.
    case subscribe
    /// Client → daemon: end the conversation named by `conversation-id` (a subscription or a lock wait).
    case cancel
    /// Daemon → client: the frame could not be understood at all (bad MessagePack, not an envelope).
    case notUnderstood = "not-understood"
}

/// One frame's envelope: `{v, performative, conversation-id, sender?, content}`.
public struct IPCMessage: Sendable, Equatable {
    public var performative: Performative
    /// Chosen by the client, echoed on every answer; at most ``maxConversationID`` bytes.
    public var conversationID: String
    /// The agent a client acts for (what HTTP sends as `X-PD-Agent`): the request counts as its heartbeat.
    public var sender: String?
    public var content: MessagePackValue

    /// The longest conversation id accepted.
    public static let maxConversationID = 128

    public init(_ performative: Performative, conversationID: String, sender: String? = nil, content: MessagePackValue = .map([])) {
        self.performative = performative
        self.conversationID = conversationID
        self.sender = sender
        self.content = content
    }

    /// The envelope as a MessagePack map.
    public var value: MessagePackValue {
        var entries = [
            MessagePackEntry("v", .int(Int64(IPCFrame.version))), MessagePackEntry("performative", .string(performative.rawValue)),
            MessagePackEntry("conversation-id", .string(conversationID)),
        ]
        if let sender { entries.append(MessagePackEntry("sender", .string(sender))) }
        entries.append(MessagePackEntry("content", content))
        return .map(entries)
    }

    /// The whole frame: length prefix and MessagePack payload.
    public var frame: [UInt8] { IPCFrame.framed(MessagePackWriter.encode(value)) }

    /// The payload of an envelope without a sender, up to its content: followed by the encoding of a content map,
    /// it is the same payload as ``value``'s. For writing one encoded content to many conversations (pushed
    /// channel messages): the head is made once per conversation, the content once per message.
    public static func head(_ performative: Performative, conversationID: String) -> [UInt8] {
        var out: [UInt8] = [0x84]
        MessagePackWriter.append(.string("v"), to: &out)
        MessagePackWriter.append(.int(Int64(IPCFrame.version)), to: &out)
        MessagePackWriter.append(.string("performative"), to: &out)
        MessagePackWriter.append(.string(performative.rawValue), to: &out)
        MessagePackWriter.append(.string("conversation-id"), to: &out)
        MessagePackWriter.append(.string(conversationID), to: &out)
        MessagePackWriter.append(.string("content"), to: &out)
        return out
    }

    /// The conversation id of an envelope that may be invalid otherwise (to address a `not-understood`), or "".
    public static func conversationID(of value: MessagePackValue) -> String {
        guard let id = value["conversation-id"]?.stringValue, id.utf8.count <= maxConversationID else { return "" }
        return id
    }

    /// Reads an envelope, checking the version first, then every field's type.
    public static func parse(_ value: MessagePackValue) throws(WireError) -> IPCMessage {
        guard case .map = value else { throw .invalidEnvelope("a frame must hold a map {v, performative, conversation-id, content}") }
        guard let version = value["v"] else { throw .invalidEnvelope("the envelope has no \"v\" (protocol version)") }
        guard let v = version.intValue else { throw .invalidEnvelope("\"v\" must be an integer") }
        guard v == IPCFrame.version else { throw .unsupportedVersion(v) }
        guard let name = value["performative"]?.stringValue else { throw .invalidEnvelope("\"performative\" must be a string") }
        guard let performative = Performative(rawValue: name) else {
            throw .invalidEnvelope("unknown performative \"\(name)\"; use one of \(Performative.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let id = value["conversation-id"]?.stringValue, !id.isEmpty, id.utf8.count <= maxConversationID else {
            throw .invalidEnvelope("\"conversation-id\" must be a string of 1 to \(maxConversationID) bytes")
        }
        let sender = value["sender"]
        guard sender == nil || sender?.stringValue != nil else { throw .invalidEnvelope("\"sender\" must be a string (an agent id)") }
        let content = value["content"] ?? .map([])
        guard case .map = content else { throw .invalidEnvelope("\"content\" must be a map") }
        return IPCMessage(performative, conversationID: id, sender: sender?.stringValue, content: content)
    }

    /// Decodes one frame payload into an envelope.
    public static func decode(_ payload: [UInt8]) throws(WireError) -> IPCMessage {
        try parse(try MessagePackReader.decode(payload))
    }

    /// A `refuse` or `failure` content: `{code, error}` plus any extra fields.
    public static func errorContent(code: String, message: String, extra: [MessagePackEntry] = []) -> MessagePackValue {
        .map([MessagePackEntry("code", .string(code)), MessagePackEntry("error", .string(message))] + extra)
    }
}
