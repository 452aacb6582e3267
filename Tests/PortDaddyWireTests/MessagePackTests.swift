import PortDaddyAPI
import PortDaddyWire
import Testing

/// The strict MessagePack codec of the IPC socket: every type round-trips in its smallest format, and every kind of
/// malformed input is refused with its reason.
@Suite("MessagePack codec")
struct MessagePackTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).leftPadded }.joined() }

    @Test("every type round-trips, in the smallest format each value fits")
    func roundTrips() throws {
        let cases: [(MessagePackValue, String)] = [
            (.nil, "c0"), (.bool(true), "c3"), (.bool(false), "c2"),
            (.int(0), "00"), (.int(127), "7f"), (.int(128), "cc80"), (.int(256), "cd0100"), (.int(65536), "ce00010000"),
            (.int(1 << 32), "cf0000000100000000"), (.int(-1), "ff"), (.int(-32), "e0"), (.int(-33), "d0df"),
            (.int(-129), "d1ff7f"), (.int(-32769), "d2ffff7fff"), (.int(Int64.min), "d38000000000000000"),
            (.uint(UInt64.max), "cfffffffffffffffff"), (.double(1.5), "cb3ff8000000000000"),
            (.string(""), "a0"), (.string("pd"), "a27064"), (.string(String(repeating: "a", count: 32)), "d920" + String(repeating: "61", count: 32)),
            (.binary([1, 2]), "c4020102"), (.array([.int(1), .nil]), "9201c0"),
            (.object(["a": .int(1)]), "81a16101"),
        ]
        for (value, expected) in cases {
            let bytes = MessagePackWriter.encode(value)
            #expect(hex(bytes) == expected, "\(value)")
            #expect(try MessagePackReader.decode(bytes) == value)
        }
        // Long forms round-trip too.
        let long = MessagePackValue.array((0..<70_000).map { .int(Int64($0 % 3)) })
        #expect(try MessagePackReader.decode(MessagePackWriter.encode(long)) == long)
        let wide = MessagePackValue.map((0..<20).map { MessagePackEntry("k\($0)", .string(String(repeating: "x", count: 300))) })
        #expect(try MessagePackReader.decode(MessagePackWriter.encode(wide)) == wide)
        // A float 32 is read (and widened).
        #expect(try MessagePackReader.decode([0xca, 0x3f, 0xc0, 0x00, 0x00]) == .double(1.5))
    }

    @Test("malformed input is refused with its reason, never trapped on")
    func refusesMalformed() {
        let cases: [([UInt8], WireError)] = [
            ([], .truncated), ([0xc1], .unsupportedType(0xc1)), ([0xd4, 0x01, 0x02], .unsupportedType(0xd4)),
            ([0xc7, 0x01, 0x05, 0x00], .unsupportedType(0xc7)), ([0x92, 0x01], .containerTooLarge(2)), ([0x92, 0x01, 0xcd], .truncated),
            ([0x01, 0x02], .trailingBytes(1)),
            ([0xa2, 0xff, 0xfe], .invalidUTF8), ([0x81, 0x01, 0x02], .nonStringKey),
            ([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x61, 0x02], .duplicateKey("a")),
            ([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01], .containerTooLarge(Int(UInt32.max))),
            ([0xdf, 0x00, 0x01, 0x00, 0x00], .containerTooLarge(65536)),
            ([0xdb, 0xff, 0xff, 0xff, 0xff], .truncated), ([0xcb, 0x00], .truncated),
            (Array(repeating: 0x91, count: 40) + [0x01], .tooDeep),
        ]
        for (bytes, expected) in cases {
            #expect(throws: expected, "\(bytes)") { try MessagePackReader.decode(bytes) }
        }
        // Nesting up to the limit is fine.
        #expect(throws: Never.self) { try MessagePackReader.decode(Array(repeating: 0x91, count: MessagePackReader.maxDepth) + [0x01]) }
    }

    @Test("the frame splitter reassembles pieces, refuses an oversized length at once, and skips an empty frame")
    func framing() throws {
        let frame = IPCMessage(.request, conversationID: "c1", content: .object(["op": .string("health")])).frame
        var splitter = FrameSplitter()
        for byte in frame.dropLast() {
            splitter.append([byte])
            #expect(try splitter.next() == nil)
        }
        splitter.append([frame.last!])
        let payload = try #require(try splitter.next())
        #expect(try IPCMessage.decode(payload).conversationID == "c1")
        #expect(splitter.pending == 0)

        var two = FrameSplitter()
        two.append([0, 0, 0, 0] + frame)
        #expect(throws: WireError.emptyFrame) { try two.next() }
        #expect(try two.next() != nil)

        var big = FrameSplitter()
        big.append([0x00, 0x10, 0x00, 0x01])
        #expect(throws: WireError.frameTooLarge(IPCFrame.maxPayload + 1)) { try big.next() }
    }

    @Test("envelopes: the version is checked first, then each field")
    func envelopes() {
        func parse(_ value: MessagePackValue) throws(WireError) -> IPCMessage { try IPCMessage.parse(value) }
        #expect(throws: WireError.unsupportedVersion(2)) { try parse(.object(["v": .int(2), "performative": .string("nonsense")])) }
        #expect(throws: WireError.self) { try parse(.array([])) }
        #expect(throws: WireError.self) { try parse(.object(["v": .int(1), "performative": .string("propose"), "conversation-id": .string("x")])) }
        #expect(throws: WireError.self) { try parse(.object(["v": .int(1), "performative": .string("request"), "conversation-id": .string("")])) }
        #expect(throws: WireError.self) {
            try parse(.object(["v": .int(1), "performative": .string("request"), "conversation-id": .string(String(repeating: "x", count: 129))]))
        }
        #expect(throws: Never.self) {
            try parse(.object(["v": .int(1), "performative": .string("not-understood"), "conversation-id": .string("x")]))
        }
    }

    @Test("Codable: the API's structs map to MessagePack key for key, strictly typed")
    func codable() throws {
        let request = ClaimRequest(
            id: try Identity(parsing: "myapp:api"), port: try PortNumber(validating: 3100), fallback: true, pid: try PID(validating: 42),
            expires: DurationValue(seconds: 90), sticky: nil)
        let encoded = try MessagePackEncoder().encode(request)
        #expect(encoded["sticky"] == nil && encoded["port"] == .int(3100) && encoded["expires"] == .double(90))
        #expect(try MessagePackDecoder().decode(ClaimRequest.self, from: encoded) == request)
        // A duration may also be a string, as over HTTP.
        let text = try MessagePackDecoder().decode(ClaimRequest.self, from: .object(["id": .string("a"), "expires": .string("2h")]))
        #expect(text.expires?.seconds == 7200)
        let response = ClaimResponse(id: "a", port: 3100, existing: false, state: .assigned, pid: nil, sticky: false, expiresAt: nil, message: "m")
        #expect(try MessagePackDecoder().decode(ClaimResponse.self, from: try MessagePackEncoder().encode(response)) == response)
        for wrong: MessagePackValue in [
            .object(["id": .string("a"), "port": .string("3100")]), .object(["id": .string("a"), "port": .double(3100.5)]),
            .object(["port": .int(1)]), .object(["id": .string("a"), "pid": .uint(UInt64.max)]), .string("a"),
            .object(["id": .string("a"), "sticky": .int(1)]),
        ] {
            // Wrong types fail as decoding errors; values of the right type out of range fail as InvalidValue.
            #expect(throws: (any Error).self, "\(wrong)") { try MessagePackDecoder().decode(ClaimRequest.self, from: wrong) }
        }
    }

    /// The worked example of docs/IPC.md, byte for byte.
    @Test("docs/IPC.md's worked example: a claim request and its answer")
    func workedExample() throws {
        let request = IPCMessage(
            .request, conversationID: "c1",
            content: .object(["op": .string("claim"), "args": try MessagePackEncoder().encode(ClaimRequest(id: try Identity(parsing: "myapp:api")))]))
        // The expected bytes are what Python's msgpack.packb writes for the same maps (docs/IPC.md).
        #expect(
            hex(request.frame)
                == "00000051" + "84" + "a176" + "01" + "ac706572666f726d6174697665" + "a772657175657374" + "af636f6e766572736174696f6e2d6964"
                + "a26331" + "a7636f6e74656e74" + "82" + "a26f70" + "a5636c61696d" + "a461726773" + "81" + "a26964" + "a96d796170703a617069")
        let answer = IPCMessage(
            .inform, conversationID: "c1",
            content: try MessagePackEncoder().encode(
                ClaimResponse(
                    id: "myapp:api", port: 3100, existing: false, state: .assigned, pid: nil, sticky: false, expiresAt: nil, message: "assigned")))
        #expect(
            hex(answer.frame)
                == "0000007b" + "84" + "a176" + "01" + "ac706572666f726d6174697665" + "a6696e666f726d" + "af636f6e766572736174696f6e2d6964"
                + "a26331" + "a7636f6e74656e74" + "86" + "a26964" + "a96d796170703a617069" + "a4706f7274" + "cd0c1c" + "a86578697374696e67" + "c2"
                + "a57374617465" + "a861737369676e6564" + "a6737469636b79" + "c2" + "a76d657373616765" + "a861737369676e6564")
        var splitter = FrameSplitter()
        splitter.append(answer.frame)
        let decoded = try IPCMessage.decode(try #require(try splitter.next()))
        #expect(try MessagePackDecoder().decode(ClaimResponse.self, from: decoded.content).port == 3100)
    }

    /// Pushed messages are written as a per-conversation head followed by a per-message content encoding.
    @Test("an envelope head followed by encoded content is the whole envelope's payload")
    func headPlusContent() throws {
        let content = try MessagePackEncoder().encode(
            ChannelMessageInfo(id: 7, channel: "news", message: "hello", sender: "a", signal: nil, createdAt: 1_700_000_000_000))
        for id in ["s", "a-conversation-id-longer-than-thirty-one-bytes"] {
            let whole = IPCMessage(.inform, conversationID: id, content: content)
            let head = IPCMessage.head(.inform, conversationID: id)
            #expect(IPCFrame.framed(head + MessagePackWriter.encode(content)) == whole.frame)
        }
    }
}

extension String {
    var leftPadded: String { count < 2 ? "0" + self : self }
}
