import Crypto
import Foundation

/// The `X-PD-Signature` of a delivery: `sha256=` and the lower-case hex HMAC-SHA256, keyed with the secret's UTF-8
/// bytes, of the `X-PD-Timestamp` value, a `.`, and the body exactly as sent. The timestamp is inside the MAC, so a
/// receiver that also refuses old timestamps refuses replays.
public enum WebhookSignature {
    public static func sign(secret: String, timestamp: Int64, body: String) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: key)
        return "sha256=" + mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
