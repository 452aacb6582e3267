/// A wire value that breaks its type's rule (a port out of range, a PID the OS cannot hand out, a malformed
/// identity): the stable code and the message every surface reports — the daemon as `400 {error, code}`, the CLI
/// as exit 2, MCP as a tool error. Thrown by the validating types' initialisers and by their `init(from:)`, so a
/// bad value fails while decoding.
public struct InvalidValue: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String

    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
