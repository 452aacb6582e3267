/// The framing of the IPC socket: a 4-byte big-endian payload length, then that many bytes holding one MessagePack
/// map (an ``IPCMessage``).
public enum IPCFrame {
    /// The protocol version every envelope carries as `v`.
    public static let version = 1
    /// The largest payload accepted (1 MiB); a longer announced length ends the connection.
    public static let maxPayload = 1 << 20
    /// The socket's file name, next to `pd.sock` in the data dir.
    public static let socketName = "pd.ipc"

    /// The IPC socket of the daemon whose HTTP socket is `httpSocketPath`: `pd.ipc` in the same directory.
    public static func socketPath(besides httpSocketPath: String) -> String {
        guard let slash = httpSocketPath.lastIndex(of: "/") else { return socketName }
        return String(httpSocketPath[...slash]) + socketName
    }

    /// `payload` with its length prefix.
    public static func framed(_ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(payload.count)
        return [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + payload
    }
}

/// Cuts a byte stream into frame payloads. Feed it what the socket delivers, in any pieces; it holds at most one
/// partial frame (at most ``IPCFrame/maxPayload`` + 4 bytes, since an oversized length is refused on sight).
public struct FrameSplitter: Sendable {
    var buffer: [UInt8] = []
    var start = 0

    public init() {}

    /// Bytes received but not yet returned as a frame.
    public var pending: Int { buffer.count - start }

    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete payload, nil when more bytes are needed. Throws ``WireError/frameTooLarge(_:)`` as soon as
    /// a length prefix exceeds the limit (the stream cannot be trusted after that), and ``WireError/emptyFrame``
    /// for a zero length (which is consumed: the stream stays in sync).
    public mutating func next() throws(WireError) -> [UInt8]? {
        guard pending >= 4 else { return nil }
        let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        guard length <= IPCFrame.maxPayload else { throw .frameTooLarge(length) }
        guard length > 0 else {
            start += 4
            throw .emptyFrame
        }
        guard pending >= 4 + length else { return nil }
        let payload = Array(buffer[(start + 4)..<(start + 4 + length)])
        start += 4 + length
        return payload
    }
}
