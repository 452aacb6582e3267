import Hummingbird

/// Who speaks with the user's own authority: a request over the Unix socket (only the user can open it), or one
/// carrying the user's token in `X-PD-Token`.
enum UserAuthority {
    static func holds(_ request: Request, _ context: PDRequestContext, token userToken: String) -> Bool {
        if context.viaUnixSocket { return true }
        guard let token = request.headers[.pdToken] else { return false }
        return constantTimeEqual(token, userToken)
    }

    /// String equality whose time does not depend on where the strings differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `count` random bytes as lower-case hex (tokens, codes, keys).
    static func randomHex(bytes count: Int) -> String {
        (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255)
            return String(byte >> 4, radix: 16) + String(byte & 0xf, radix: 16)
        }.joined()
    }
}
