import PortDaddyTesting
import PortDaddyWire
import Testing

/// Deterministic fuzzing of the frame decoder in-process (docs/IPC.md, failure mode "random bytes"): seeded random
/// byte strings and mutations of valid frames go through the splitter, the MessagePack reader and the envelope
/// parser. Every input must end in a value or a `WireError`, never a trap; whatever decodes must re-encode and
/// decode to the same value.
@Suite("Frame decoder fuzz")
struct FrameFuzzTests {
    func check(_ bytes: [UInt8]) -> Bool {
        var splitter = FrameSplitter()
        splitter.append(bytes)
        var decoded = false
        while true {
            do {
                guard let payload = try splitter.next() else { break }
                if let value = try? MessagePackReader.decode(payload) {
                    decoded = true
                    // Compared as bytes: a NaN float is not equal to itself.
                    let encoded = MessagePackWriter.encode(value)
                    #expect(MessagePackWriter.encode(try MessagePackReader.decode(encoded)) == encoded)
                    _ = try? IPCMessage.parse(value)
                }
            } catch WireError.emptyFrame {
                continue
            } catch {
                break
            }
        }
        return decoded
    }

    @Test("200,000 seeded random inputs and mutations: no trap, and decoded values round-trip")
    func fuzz() {
        var rng = SplitMix64(seed: 0x1313)
        let valid = IPCMessage(
            .request, conversationID: "fuzz",
            content: .object([
                "op": .string("claim"),
                "args": .object([
                    "id": .string("myapp:api"), "port": .int(3100), "ttl": .double(1.5), "tags": .array([.nil, .bool(true), .binary([1, 2])]),
                ]),
            ])
        ).frame
        var decodedSome = 0
        for round in 0..<200_000 {
            var bytes: [UInt8]
            switch round % 4 {
            case 0:
                bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:
                let payload = (0..<Int.random(in: 0...48, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                bytes = IPCFrame.framed(payload)
            default:
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 4..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                if round % 8 == 3 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng)) }
            }
            if check(bytes) { decodedSome += 1 }
        }
        // The mutations keep a good share decodable, so the round-trip check ran on many values.
        #expect(decodedSome > 10_000)
    }
}
