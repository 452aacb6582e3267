/// Just enough of the DNS wire format (RFC 1035) to answer A/AAAA questions: parse one question, build an
/// answer. Parsing never traps: every read is bounds-checked, and anything malformed is reported as such.
enum DNSMessage {
    enum RCode: UInt8 {
        case noError = 0
        case formErr = 1
        case servFail = 2
        case nxDomain = 3
        case notImp = 4
        case refused = 5
    }

    struct Question: Equatable {
        var id: UInt16
        var flags: UInt16
        var name: String
        var type: UInt16
        var qclass: UInt16
        /// The raw question section, echoed back verbatim.
        var raw: ArraySlice<UInt8>
    }

    enum ParseResult: Equatable {
        case question(Question)
        /// A header we can answer with an error code (id and flags known).
        case unanswerable(id: UInt16, flags: UInt16, rcode: RCode)
        /// Too broken to answer at all.
        case garbage
    }

    static let typeA: UInt16 = 1
    static let typeAAAA: UInt16 = 28
    static let typeANY: UInt16 = 255

    static func parse(_ bytes: [UInt8]) -> ParseResult {
        guard bytes.count >= 12 else { return .garbage }
        func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) }
        let id = u16(0), flags = u16(2), qdcount = u16(4)
        if flags & 0x8000 != 0 { return .garbage }  // a response, not a query: never answer it
        let opcode = (flags >> 11) & 0xF
        guard opcode == 0 else { return .unanswerable(id: id, flags: flags, rcode: .notImp) }
        guard qdcount == 1 else { return .unanswerable(id: id, flags: flags, rcode: .formErr) }
        var i = 12
        var labels: [String] = []
        var total = 0
        while true {
            guard i < bytes.count else { return .unanswerable(id: id, flags: flags, rcode: .formErr) }
            let length = Int(bytes[i])
            if length == 0 {
                i += 1
                break
            }
            // Compression pointers and extended label types have no place in a question.
            guard length < 64, i + 1 + length <= bytes.count else { return .unanswerable(id: id, flags: flags, rcode: .formErr) }
            total += length + 1
            guard total <= 255 else { return .unanswerable(id: id, flags: flags, rcode: .formErr) }
            labels.append(String(decoding: bytes[(i + 1)..<(i + 1 + length)], as: UTF8.self))
            i += 1 + length
        }
        guard i + 4 <= bytes.count else { return .unanswerable(id: id, flags: flags, rcode: .formErr) }
        let type = u16(i), qclass = u16(i + 2)
        return .question(Question(id: id, flags: flags, name: labels.joined(separator: "."), type: type, qclass: qclass, raw: bytes[12..<(i + 4)]))
    }

    /// A response header with QR and AA set, the opcode and RD copied from the query.
    static func header(id: UInt16, queryFlags: UInt16, rcode: RCode, questions: UInt16, answers: UInt16) -> [UInt8] {
        let flags: UInt16 = 0x8000 | (queryFlags & 0x7800) | 0x0400 | (queryFlags & 0x0100) | UInt16(rcode.rawValue)
        return [
            UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF),
            UInt8(questions >> 8), UInt8(questions & 0xFF), UInt8(answers >> 8), UInt8(answers & 0xFF), 0, 0, 0, 0,
        ]
    }

    /// An error answer for a query we could read the header of.
    static func error(id: UInt16, flags: UInt16, rcode: RCode) -> [UInt8] {
        header(id: id, queryFlags: flags, rcode: rcode, questions: 0, answers: 0)
    }

    /// The answer to a question: loopback addresses for the requested types.
    static func answer(_ q: Question, rcode: RCode, ttl: UInt32 = 5) -> [UInt8] {
        var records: [[UInt8]] = []
        if rcode == .noError {
            let wantsA = q.type == typeA || q.type == typeANY
            let wantsAAAA = q.type == typeAAAA || q.type == typeANY
            if wantsA { records.append(record(type: typeA, ttl: ttl, data: [127, 0, 0, 1])) }
            if wantsAAAA { records.append(record(type: typeAAAA, ttl: ttl, data: [UInt8](repeating: 0, count: 15) + [1])) }
        }
        var out = header(id: q.id, queryFlags: q.flags, rcode: rcode, questions: 1, answers: UInt16(records.count))
        out += q.raw
        for r in records { out += r }
        return out
    }

    static func record(type: UInt16, ttl: UInt32, data: [UInt8]) -> [UInt8] {
        // Name: a pointer to the question's name at offset 12.
        [
            0xC0, 0x0C, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1,
            UInt8(ttl >> 24), UInt8((ttl >> 16) & 0xFF), UInt8((ttl >> 8) & 0xFF), UInt8(ttl & 0xFF),
            UInt8(data.count >> 8), UInt8(data.count & 0xFF),
        ] + data
    }
}
