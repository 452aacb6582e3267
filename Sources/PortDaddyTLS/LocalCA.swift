import Crypto
import Foundation
import SwiftASN1
import X509

/// Port Daddy's own certificate authority: made on first need in the data dir, it signs short-lived leaf
/// certificates for the proxy's names. Its name constraints limit it to `localhost` (and names under it), Port
/// Daddy's DNS domains and loopback addresses, so a leaked key cannot sign for a real site.
public struct LocalCA: Sendable {
    /// The CA certificate.
    public let certificate: Certificate
    /// The CA certificate in PEM, as written to ``CAFiles/certificate``.
    public let certificatePEM: String
    let key: P256.Signing.PrivateKey

    /// DNS domains every new CA may sign for, besides those passed to ``loadOrCreate(files:domains:now:)``.
    public static let baseDomains = ["localhost", "pd.test", "pd.local"]
    /// How long a new CA is valid: ten years.
    public static let caLifetime: TimeInterval = 10 * 365 * 86400
    /// How long a leaf is valid: 90 days (browsers refuse more than 398).
    public static let leafLifetime: TimeInterval = 90 * 86400

    /// The DNS trees this CA's name constraints permit (lowercased, no leading dot).
    public var permittedDomains: [String] {
        guard let constraints = try? certificate.extensions.nameConstraints else { return [] }
        return Array(constraints.permittedDNSDomains).map { $0.lowercased().trimmingPrefix(".") }
    }

    /// The SHA-256 of the CA's SubjectPublicKeyInfo, base64: what Chromium's `--ignore-certificate-errors-spki-list`
    /// takes.
    public var spkiSHA256Base64: String {
        Data(SHA256.hash(data: key.publicKey.derRepresentation)).base64EncodedString()
    }

    /// Loads the CA from `files`, or makes one when there is none. Safe against a concurrent maker (the daemon and
    /// `pd trust`): the files appear together by one `rename`, and the loser loads the winner's CA.
    public static func loadOrCreate(files: CAFiles, domains: [String] = [], now: Date = Date()) throws(TLSError) -> LocalCA {
        if let existing = try load(files: files) { return existing }
        let made = try make(domains: domains, now: now)
        try made.install(into: files)
        guard let loaded = try load(files: files) else {
            throw .unreadable(path: files.directory, reason: "it vanished after it was written")
        }
        return loaded
    }

    /// Loads the CA from `files`; `nil` when it has not been made yet.
    public static func load(files: CAFiles) throws(TLSError) -> LocalCA? {
        let manager = FileManager.default
        guard manager.fileExists(atPath: files.directory) else { return nil }
        do {
            let pem = try String(contentsOfFile: files.certificate, encoding: .utf8)
            let keyPEM = try String(contentsOfFile: files.privateKey, encoding: .utf8)
            let certificate = try Certificate(pemEncoded: pem)
            let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
            guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
                throw TLSError.unreadable(path: files.directory, reason: "ca.key does not match ca.crt")
            }
            return LocalCA(certificate: certificate, certificatePEM: pem, key: key)
        } catch let error as TLSError {
            throw error
        } catch {
            throw .unreadable(path: files.directory, reason: "\(error)")
        }
    }

    /// A new CA (not yet written) permitted to sign for ``baseDomains`` and `domains`.
    static func make(domains: [String], now: Date) throws(TLSError) -> LocalCA {
        let key = P256.Signing.PrivateKey()
        let signer = Certificate.PrivateKey(key)
        var permitted: [String] = []
        for domain in Self.baseDomains + domains.map({ $0.lowercased() }) where !permitted.contains(domain) {
            permitted.append(domain)
        }
        do {
            let user = ProcessInfo.processInfo.userName
            let host = ProcessInfo.processInfo.hostName
            let name = try DistinguishedName {
                OrganizationName("Port Daddy")
                CommonName("Port Daddy local CA (\(user)@\(host))")
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: signer.publicKey)
                Critical(
                    NameConstraints(
                        permittedDNSDomains: permitted,
                        permittedIPRanges: [
                            ASN1OctetString(contentBytes: [127, 0, 0, 0, 255, 0, 0, 0]),
                            ASN1OctetString(contentBytes: ArraySlice(Array(repeating: 0, count: 15) + [1] + Array(repeating: 255, count: 16))),
                        ]))
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signer.publicKey,
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(caLifetime),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: signer)
            return LocalCA(certificate: certificate, certificatePEM: try certificate.serializeAsPEM().pemString, key: key)
        } catch {
            throw .issueFailed("\(error)")
        }
    }

    /// Writes the CA into a fresh private directory and renames it into place. When another process got there
    /// first, its CA is kept and this one is dropped.
    func install(into files: CAFiles) throws(TLSError) {
        let parent = (files.directory as NSString).deletingLastPathComponent
        if mkdir(parent, 0o700) != 0 && errno != EEXIST {
            throw .unwritable(path: parent, reason: String(cString: strerror(errno)))
        }
        var template = Array((parent + "/.tls-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .unwritable(path: parent, reason: String(cString: strerror(errno)))
        }
        let staging = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try Self.writeFile(staging + "/ca.key", key.pemRepresentation, mode: 0o600)
        try Self.writeFile(staging + "/ca.crt", certificatePEM, mode: 0o644)
        if rename(staging, files.directory) != 0 {
            let code = errno
            // Someone else's CA is already there: theirs wins.
            guard code == EEXIST || code == ENOTEMPTY else {
                throw .unwritable(path: files.directory, reason: String(cString: strerror(code)))
            }
        }
    }

    static func writeFile(_ path: String, _ text: String, mode: mode_t) throws(TLSError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        fchmod(fd, mode)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
            written += n
        }
        guard fsync(fd) == 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
