import PortDaddyAPI

/// Why bytes from the IPC socket were not a valid frame, MessagePack value or envelope. Each case names the
/// ``ErrorCode`` the daemon answers with (the same codes as HTTP).
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The length prefix announces more than ``IPCFrame/maxPayload`` bytes.
    case frameTooLarge(Int)
    /// A frame of length 0: no MessagePack value at all.
    case emptyFrame
    /// The bytes end inside a value.
    case truncated
    /// Bytes left over after the value.
    case trailingBytes(Int)
    /// A first byte MessagePack never uses (0xc1), or an extension type (the protocol has none).
    case unsupportedType(UInt8)
    /// Containers nested deeper than ``MessagePackReader/maxDepth``.
    case tooDeep
    /// A container announces more elements than the frame could hold.
    case containerTooLarge(Int)
    /// A string that is not UTF-8.
    case invalidUTF8
    /// A map key that is not a string.
    case nonStringKey
    /// The same key twice in one map.
    case duplicateKey(String)
    /// The value is MessagePack but not a valid envelope or argument map.
    case invalidEnvelope(String)
    /// The envelope's `v` is not a version this daemon speaks.
    case unsupportedVersion(Int)

    /// The error code an answer to this carries.
    public var code: ErrorCode {
        switch self {
        case .frameTooLarge: return .bodyTooLarge
        default: return .invalidRequest
        }
    }

    public var description: String {
        switch self {
        case .frameTooLarge(let n): return "frame of \(n) bytes is larger than the \(IPCFrame.maxPayload)-byte limit"
        case .emptyFrame: return "empty frame: a frame holds one MessagePack map"
        case .truncated: return "malformed MessagePack: the value ends early"
        case .trailingBytes(let n): return "malformed MessagePack: \(n) bytes after the value"
        case .unsupportedType(let byte): return "malformed MessagePack: type byte 0x\(String(byte, radix: 16)) is not supported"
        case .tooDeep: return "malformed MessagePack: nested deeper than \(MessagePackReader.maxDepth) levels"
        case .containerTooLarge(let n): return "malformed MessagePack: a container of \(n) elements cannot fit in the frame"
        case .invalidUTF8: return "malformed MessagePack: a string is not UTF-8"
        case .nonStringKey: return "malformed MessagePack: map keys must be strings"
        case .duplicateKey(let key): return "malformed MessagePack: key \"\(key)\" appears twice in a map"
        case .invalidEnvelope(let why): return why
        case .unsupportedVersion(let v): return "protocol version \(v) is not supported; this daemon speaks v\(IPCFrame.version)"
        }
    }
}
