import Crypto
import Foundation
import SwiftASN1
import X509

/// A leaf certificate for one host name, with its private key, signed by a ``LocalCA``.
public struct LeafCertificate: Sendable {
    /// The host name (lowercased) the certificate names in its subject alternative names.
    public let host: String
    /// The certificate.
    public let certificate: Certificate
    /// The certificate, DER-encoded.
    public let certificateDER: [UInt8]
    /// The private key (PKCS#8 PEM).
    public let privateKeyPEM: String
    /// After this instant the certificate should be replaced.
    public let renewAfter: Date
}

extension LocalCA {
    /// Whether this CA may sign for `host` (lowercased, no trailing dot): a valid DNS name under one of its
    /// permitted domains, or the domain itself.
    public func mayIssue(for host: String) -> Bool {
        guard LocalCA.isValidHostName(host) else { return false }
        return permittedDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    /// A new leaf certificate for `host`, valid for ``leafLifetime``.
    public func issue(for host: String, now: Date = Date()) throws(TLSError) -> LeafCertificate {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard mayIssue(for: name) else { throw .nameRefused(host) }
        let leafKey = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(leafKey.publicKey)
        let issuerKeyID = try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        do {
            let subject = try DistinguishedName { CommonName(name) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName(name)])
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
            }
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(Self.leafLifetime),
                issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(key))
            var serializer = DER.Serializer()
            try serializer.serialize(leaf)
            return LeafCertificate(
                host: name, certificate: leaf, certificateDER: serializer.serializedBytes,
                privateKeyPEM: leafKey.pemRepresentation, renewAfter: now.addingTimeInterval(Self.leafLifetime - 86400))
        } catch {
            throw .issueFailed("\(error)")
        }
    }

    /// Whether `host` is one or more DNS labels of `[a-z0-9-]` (no wildcards, no IP literals' brackets).
    static func isValidHostName(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && host.utf8.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.utf8.count <= 63
                    && label.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            }
    }
}
