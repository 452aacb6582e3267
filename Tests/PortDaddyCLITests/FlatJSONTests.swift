import Testing

@testable import PortDaddyCLI

@Suite("The fast path's JSON reader")
struct FlatJSONTests {
    @Test("reads the daemon's flat answers, skipping nested values")
    func readsFlatObjects() throws {
        let text = #"{"id":"my:app","port":3100,"existing":false,"pid":null,"nested":{"a":[1,{"b":"}"}]},"message":"say \"hi\"\n\u00e9"}"#
        let fields = try #require(FlatJSON.parse(Array(text.utf8)))
        #expect(fields["id"] == .string("my:app"))
        #expect(fields["port"] == .number(3100))
        #expect(fields["existing"] == .bool(false))
        #expect(fields["pid"] == .null)
        #expect(fields["nested"] == .nested)
        #expect(fields["message"] == .string("say \"hi\"\né"))
    }

    @Test("refuses what is not a JSON object", arguments: ["", "[]", "{", #"{"a":}"#, #"{"a":tru}"#, "nope"])
    func refusesGarbage(text: String) {
        #expect(FlatJSON.parse(Array(text.utf8)) == nil)
    }

    @Test("quotes strings so that they read back unchanged")
    func quoteRoundTrip() throws {
        for text in ["plain", "quote\" and \\ backslash", "line\nbreak\ttab", "\u{01}control", "ünïcödé"] {
            let fields = try #require(FlatJSON.parse(Array("{\"k\":\(FlatJSON.quote(text))}".utf8)))
            #expect(fields["k"] == .string(text))
        }
    }
}
