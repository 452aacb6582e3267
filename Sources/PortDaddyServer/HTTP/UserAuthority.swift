import Hummingbird
import PortDaddyCore

/// Who speaks with the user's own authority: a request over the Unix socket (only the user can open it), or one
/// carrying the user's token in `X-PD-Token`.
enum UserAuthority {
    static func holds(_ request: Request, _ context: PDRequestContext, token userToken: String) -> Bool {
        if context.viaUnixSocket { return true }
        guard let token = request.headers[.pdToken] else { return false }
        return constantTimeEqual(token, userToken)
    }

    /// String equality whose time does not depend on where the strings differ (``Secret/equal(_:_:)``).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool { Secret.equal(a, b) }

    /// `count` random bytes as lower-case hex (``Secret/hex(bytes:)``).
    static func randomHex(bytes count: Int) -> String { Secret.hex(bytes: count) }
}
