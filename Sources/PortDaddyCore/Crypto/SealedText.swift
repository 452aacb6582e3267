import Crypto
import Foundation

/// The at-rest format of protected text: AES-256-GCM, stored as `nonce (12) ‖ ciphertext ‖ tag (16)`, with
/// associated data that names the row (so a sealed value moved to another row, or another table, does not open).
public enum SealedText {
    /// Why a sealed value did not open.
    public enum Failure: Error, Equatable, Sendable {
        /// Too short to be a sealed value, or the tag does not match (a flipped byte, a moved row, the wrong key).
        case tampered
    }

    /// A new random 256-bit key.
    public static func newKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

    /// Seals `plaintext` under `key`, binding it to `context`.
    public static func seal(_ plaintext: Data, key: SymmetricKey, context: String) -> Data {
        // AES.GCM.seal only throws for a bad nonce size or key size, and both are fixed here.
        guard let combined = try? AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8)).combined else {
            preconditionFailure("AES-GCM with a 256-bit key and the default nonce cannot fail")
        }
        return combined
    }

    /// Opens a value sealed by ``seal(_:key:context:)`` with the same key and context.
    public static func open(_ sealed: Data, key: SymmetricKey, context: String) throws(Failure) -> Data {
        guard sealed.count >= 28, let box = try? AES.GCM.SealedBox(combined: sealed),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        else { throw .tampered }
        return plaintext
    }

    /// ``open(_:key:context:)`` with the key's raw bytes (a key file's contents).
    public static func open(_ sealed: Data, keyBytes: Data, context: String) throws(Failure) -> Data {
        try open(sealed, key: SymmetricKey(data: keyBytes), context: context)
    }

    /// The associated data of a session's wrapped data key.
    public static func wrapContext(scope: String) -> String { "pd-data-key\u{0}" + scope }

    /// The associated data of a protected column of one row: the table, the column, the key's scope and the row's id.
    public static func rowContext(table: String, column: String, scope: String, id: String) -> String {
        [table, column, scope, id].joined(separator: "\u{0}")
    }
}
