import Foundation
import PortDaddyAPI
import Testing

/// The validating wire types: they refuse bad values while decoding, with the code and message every surface uses.
@Suite("validating wire values")
struct WireValueTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    /// The InvalidValue a decode throws; fails the test when it throws something else or nothing.
    func refusal<T: Decodable>(_ type: T.Type, _ json: String) -> InvalidValue? {
        do {
            _ = try decode(type, json)
            Issue.record("\(json) decoded")
        } catch let invalid as InvalidValue {
            return invalid
        } catch {
            Issue.record("\(json): \(error)")
        }
        return nil
    }

    @Test("a port is 1–65535; anything else is INVALID_PORT naming the range")
    func port() throws {
        #expect(try PortNumber(validating: 1).value == 1)
        #expect(try PortNumber(validating: 65535).value == 65535)
        for bad in [0, -1, 65536, 70000] {
            #expect(throws: InvalidValue(code: .invalidPort, message: "port \(bad) is out of range; use a port between 1 and 65535")) {
                try PortNumber(validating: bad)
            }
        }
        #expect(try PortNumber(parsing: " 3100 ")?.value == 3100)
        #expect(try PortNumber(parsing: "web") == nil)
        #expect(PortNumber.listenRange.contains(0) && !PortNumber.range.contains(0))
    }

    @Test("a PID is 1 up to 4,194,304; an X-PID header that is not a number is INVALID_REQUEST")
    func pid() throws {
        #expect(try PID(validating: 4_000_000).int == 4_000_000)
        #expect(throws: PID.invalid(0)) { try PID(validating: 0) }
        #expect(throws: PID.invalid(5_000_000)) { try PID(validating: 5_000_000) }
        #expect(PID.invalid(-1).code == .invalidPID)
        #expect(try PID(header: nil) == nil)
        #expect(try PID(header: " 42 ")?.int == 42)
        #expect(throws: InvalidValue(code: .invalidRequest, message: "X-PID header \"abc\" is not a number")) { try PID(header: "abc") }
    }

    @Test("a claim request validates every field while decoding, in order, with the daemon's codes")
    func claimRequest() throws {
        let ok = try decode(ClaimRequest.self, #"{"id":"MyApp:API","port":3100,"pid":42,"expires":"2h"}"#)
        #expect(ok.id.description == "myapp:api" && ok.port?.value == 3100 && ok.pid?.int == 42 && ok.expires?.seconds == 7200)
        #expect(refusal(ClaimRequest.self, #"{"id":"Bad Name!"}"#)?.code == .invalidIdentity)
        #expect(refusal(ClaimRequest.self, #"{"id":"8080"}"#)?.code == .invalidIdentity)
        #expect(refusal(ClaimRequest.self, #"{"id":"ok","port":70000}"#) == PortNumber.outOfRange(70000))
        #expect(refusal(ClaimRequest.self, #"{"id":"ok","pid":-1}"#) == PID.invalid(-1))
        let duration = refusal(ClaimRequest.self, #"{"id":"ok","expires":"soon"}"#)
        #expect(duration?.code == .invalidDuration && duration?.message.hasPrefix("expires: invalid duration \"soon\"") == true)
        // The first bad field wins, as when the daemon checked them one by one.
        #expect(refusal(ClaimRequest.self, #"{"id":"a:b:c:d","port":0}"#)?.code == .invalidIdentity)
    }

    @Test("the typed values go on the wire as plain JSON numbers and strings")
    func encoding() throws {
        let request = ClaimRequest(id: try Identity(parsing: "app:web"), port: try PortNumber(validating: 3100), pid: PID(system: 42))
        let text = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        #expect(text.contains(#""id":"app:web""#) && text.contains(#""port":3100"#) && text.contains(#""pid":42"#), "\(text)")
        #expect(try decode(ClaimRequest.self, text) == request)
    }

    @Test("other requests validate their PIDs and ports too; a bad lock ttl stays a decoding error (INVALID_REQUEST)")
    func otherRequests() throws {
        #expect(refusal(LockAcquireRequest.self, #"{"pid":0}"#)?.code == .invalidPID)
        #expect(refusal(BeginRequest.self, #"{"purpose":"p","agent":"a","pid":5000000}"#)?.code == .invalidPID)
        #expect(refusal(V1PortRequest.self, #"{"project":"p","preferred":0}"#)?.code == .invalidPort)
        #expect(refusal(V1ReleaseRequest.self, #"{"port":65536}"#)?.code == .invalidPort)
        #expect(throws: DecodingError.self) { try decode(LockAcquireRequest.self, #"{"ttl":"soon"}"#) }
    }
}
