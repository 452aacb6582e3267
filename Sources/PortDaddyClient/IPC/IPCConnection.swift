import PortDaddyAPI
import PortDaddyWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small blocking client of the binary IPC socket `pd.ipc` (docs/IPC.md): one connection, frames in and out,
/// one conversation at a time. Errors are the same ``ClientError``s the HTTP client throws, with the same codes,
/// so a command answers identically over either.
public final class IPCConnection {
    public let path: String
    private var fd: Int32 = -1
    private var splitter = FrameSplitter()
    private var nextConversation = 0
    /// The agent requests act for (as `X-PD-Agent` over HTTP): sent as the envelope's `sender`.
    public var sender: String?

    public init(path: String) {
        self.path = path
    }

    deinit { close() }

    /// The IPC socket of `environment`'s daemon, connected; nil when the client talks to a URL (TCP), or the socket
    /// is not there or refuses (an older daemon, one started with `PORT_DADDY_IPC=off`, or none: HTTP then serves,
    /// and starts the daemon if allowed).
    public static func open(_ environment: PortDaddyEnvironment) -> IPCConnection? {
        guard environment.url == nil else { return nil }
        let connection = IPCConnection(path: IPCFrame.socketPath(besides: environment.socketPath))
        do { try connection.connect() } catch { return nil }
        return connection
    }

    /// Connects; throws `.unreachable` with the OS's reason.
    public func connect() throws(ClientError) {
        guard fd < 0 else { return }
        fd = try HTTPConnection.connectUnix(path)
        splitter = FrameSplitter()
    }

    public func close() {
        if fd >= 0 { _ = systemClose(fd) }
        fd = -1
    }

    /// Writes one frame.
    public func send(_ message: IPCMessage) throws(ClientError) {
        try HTTPConnection.writeAll(message.frame, to: fd, endpoint: "unix:\(path)")
    }

    /// Reads the next frame.
    public func receive() throws(ClientError) -> IPCMessage {
        while true {
            do {
                if let payload = try splitter.next() { return try IPCMessage.decode(payload) }
            } catch {
                throw .protocolError("bad frame from the daemon: \(error)")
            }
            var chunk = [UInt8](repeating: 0, count: 16384)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                splitter.append(chunk[0..<n])
            } else if n == 0 {
                throw .unreachable(endpoint: "unix:\(path)", reason: "the daemon closed the IPC connection")
            } else if errno != EINTR {
                throw .unreachable(endpoint: "unix:\(path)", reason: HTTPConnection.errorText())
            }
        }
    }

    /// Sends a `request` and waits for its answer (past an `agree`): the `inform` content, or the `refuse`,
    /// `failure` or `not-understood` as `.daemon` with its code and the HTTP status that code has.
    public func request(_ op: IPCOperation, _ args: MessagePackValue) throws(ClientError) -> MessagePackValue {
        nextConversation += 1
        let id = "c\(nextConversation)"
        try connect()
        try send(IPCMessage(.request, conversationID: id, sender: sender, content: .object(["op": .string(op.rawValue), "args": args])))
        while true {
            let answer = try receive()
            guard answer.conversationID == id || answer.conversationID.isEmpty else { continue }
            switch answer.performative {
            case .inform: return answer.content
            case .agree: continue
            default: throw Self.error(answer)
            }
        }
    }

    /// ``request(_:_:)`` with the API's structs on both sides.
    public func call<Args: Encodable, Answer: Decodable>(_ op: IPCOperation, _ args: Args, as: Answer.Type = Answer.self) throws(ClientError)
        -> Answer
    {
        let encoded: MessagePackValue
        do { encoded = try MessagePackEncoder().encode(args) } catch { throw .protocolError("cannot encode request: \(error)") }
        let content = try request(op, encoded)
        do { return try MessagePackDecoder().decode(Answer.self, from: content) } catch {
            throw .protocolError("cannot decode \(Answer.self): \(error)")
        }
    }

    /// The client error an error answer stands for.
    public static func error(_ answer: IPCMessage) -> ClientError {
        let code = answer.content["code"]?.stringValue ?? ErrorCode.internal.rawValue
        let text = answer.content["error"]?.stringValue ?? "the daemon answered \(answer.performative.rawValue)"
        let status = ErrorCode(rawValue: code)?.httpStatus ?? 500
        return .daemon(status: status, body: ErrorBody(error: text, code: code))
    }
}
