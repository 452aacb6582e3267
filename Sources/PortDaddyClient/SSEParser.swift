/// One server-sent event.
public struct SSEEvent: Sendable, Equatable {
    public var id: String?
    public var event: String
    public var data: String

    public init(id: String?, event: String, data: String) {
        self.id = id
        self.event = event
        self.data = data
    }
}

/// Splits a server-sent-event byte stream into events (`id:`, `event:`, `data:` fields; `:` comments ignored).
public struct SSEParser {
    private var pending: [UInt8] = []

    public init() {}

    /// Feeds bytes; returns the events they completed.
    public mutating func feed(_ bytes: [UInt8]) -> [SSEEvent] {
        pending += bytes
        var events: [SSEEvent] = []
        while let range = Self.blankLine(in: pending) {
            let block = String(decoding: pending[0..<range.lowerBound], as: UTF8.self)
            pending.removeFirst(range.upperBound)
            var id: String?
            var name = "message"
            var data: [String] = []
            for raw in block.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
                if line.isEmpty || line.hasPrefix(":") { continue }
                let field: Substring, value: Substring
                if let colon = line.firstIndex(of: ":") {
                    field = line[..<colon]
                    var v = line[line.index(after: colon)...]
                    if v.hasPrefix(" ") { v = v.dropFirst() }
                    value = v
                } else {
                    field = line
                    value = ""
                }
                switch field {
                case "id": id = String(value)
                case "event": name = String(value)
                case "data": data.append(String(value))
                default: break
                }
            }
            if !data.isEmpty || id != nil { events.append(SSEEvent(id: id, event: name, data: data.joined(separator: "\n"))) }
        }
        return events
    }

    /// The first blank line (`\n\n` or `\r\n\r\n`) as the range to cut.
    static func blankLine(in bytes: [UInt8]) -> Range<Int>? {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 10 && bytes[i + 1] == 10 { return i..<(i + 2) }
            if i + 3 < bytes.count && bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
                return i..<(i + 4)
            }
            i += 1
        }
        return nil
    }
}
