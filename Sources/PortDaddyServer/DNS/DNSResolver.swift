import PortDaddyAPI
import PortDaddyCore

/// Answers DNS queries for names under one domain: A/AAAA loopback for names of claimed identities,
/// NXDOMAIN for other names under the domain, REFUSED for every other domain.
struct DNSResolver: Sendable {
    let claims: ClaimService
    let domain: String

    /// The response to a query, or `nil` when it is not worth answering (not a query at all).
    func respond(to query: [UInt8]) -> [UInt8]? {
        switch DNSMessage.parse(query) {
        case .garbage: return nil
        case .unanswerable(let id, let flags, let rcode): return DNSMessage.error(id: id, flags: flags, rcode: rcode)
        case .question(let q):
            let name = q.name.lowercased()
            let lowerDomain = domain.lowercased()
            guard name == lowerDomain || name.hasSuffix("." + lowerDomain) else { return DNSMessage.answer(q, rcode: .refused) }
            guard q.qclass == 1 || q.qclass == 255 else { return DNSMessage.answer(q, rcode: .refused) }
            if let identity = HostNames.identity(of: name, domain: domain), claims.status(of: identity) != nil {
                return DNSMessage.answer(q, rcode: .noError)
            }
            return DNSMessage.answer(q, rcode: .nxDomain)
        }
    }
}
