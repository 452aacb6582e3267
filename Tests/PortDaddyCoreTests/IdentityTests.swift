import PortDaddyAPI
import Testing

@Suite("Identities and patterns")
struct IdentityTests {
    @Test("identities are normalized to lower case")
    func normalizes() throws {
        #expect(try Identity(parsing: "MyApp:API:Feature-X").description == "myapp:api:feature-x")
        #expect(try Identity(parsing: "  web  ").segments == ["web"])
    }

    @Test(
        "bad identities are refused with a message that says why",
        arguments: [
            "", "a:b:c:d", "a::b", "my app", "app/x", "ünï", ":x", String(repeating: "a", count: 64), "8080",
        ])
    func refusesBadIdentities(raw: String) {
        #expect(throws: IdentityError.self) { try Identity(parsing: raw) }
    }

    @Test("the invalid character is named")
    func namesInvalidCharacter() {
        do {
            _ = try Identity(parsing: "my app")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("\" \""))
        }
    }

    @Test("look-alikes are refused before lower-casing, and the error names the character as typed")
    func validatesBeforeNormalizing() {
        // U+212A KELVIN SIGN lower-cases to an ASCII "k": it must not claim "kelvin".
        #expect(throws: IdentityError.invalidCharacter("\u{212A}elvin", "\u{212A}")) { try Identity(parsing: "\u{212A}elvin") }
        #expect(throws: IdentityError.invalidCharacter("café", "é")) { try Identity(parsing: "café") }
        #expect(throws: IdentityError.self) { try LockName(parsing: "\u{212A}ey") }
        #expect(throws: IdentityError.self) { try IdentityPattern(parsing: "\u{212A}*") }
    }

    @Test("a trailing * matches the project and everything under it")
    func trailingStar() throws {
        let pattern = try IdentityPattern(parsing: "myapp:*")
        #expect(pattern.matches(try Identity(parsing: "myapp")))
        #expect(pattern.matches(try Identity(parsing: "myapp:api")))
        #expect(pattern.matches(try Identity(parsing: "myapp:api:main")))
        #expect(!pattern.matches(try Identity(parsing: "other:api")))
        #expect(try IdentityPattern(parsing: "*").matches(try Identity(parsing: "x:y:z")))
    }

    @Test("a middle * matches exactly one segment")
    func middleStar() throws {
        let pattern = try IdentityPattern(parsing: "myapp:*:main")
        #expect(pattern.matches(try Identity(parsing: "myapp:web:main")))
        #expect(!pattern.matches(try Identity(parsing: "myapp:web:dev")))
        #expect(!pattern.matches(try Identity(parsing: "myapp:web")))
    }

    @Test("a * inside a segment globs")
    func segmentGlob() throws {
        let pattern = try IdentityPattern(parsing: "my*:api")
        #expect(pattern.matches(try Identity(parsing: "myapp:api")))
        #expect(!pattern.matches(try Identity(parsing: "yourapp:api")))
    }

    @Test("an exact pattern matches only that identity")
    func exact() throws {
        let pattern = try IdentityPattern(parsing: "myapp:api")
        #expect(pattern.matches(try Identity(parsing: "myapp:api")))
        #expect(!pattern.matches(try Identity(parsing: "myapp:api:x")))
    }

    @Test("the stable hash is FNV-1a 64 and gives the same port everywhere")
    func stableHash() throws {
        // Reference value computed independently (Python) for "myapp:api".
        #expect(StableHash.fnv1a64("myapp:api") == 0x9157_fdac_9161_e0ac)
        #expect(StableHash.preferredPort(for: try Identity(parsing: "myapp:api"), in: 3100...9999) == 6360)
    }

    @Test(
        "durations parse from seconds and units",
        arguments: [
            ("90", 90.0), ("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("1.5h", 5400),
        ])
    func durations(text: String, seconds: Double) {
        #expect(DurationParser.seconds(text) == seconds)
    }

    @Test("bad durations are refused", arguments: ["", "abc", "-5", "0", "5x", "m", "10m5"])
    func badDurations(text: String) {
        #expect(DurationParser.seconds(text) == nil)
    }
}

@Suite("Host names")
struct HostNameTests {
    @Test("identities map to host names and back")
    func roundTrip() throws {
        for raw in ["myapp", "myapp:api", "myapp:api:feature-x"] {
            let identity = try Identity(parsing: raw)
            let name = HostNames.name(of: identity)
            #expect(HostNames.identity(of: name) == identity)
            #expect(HostNames.identity(of: name.uppercased() + ".") == identity)
        }
        #expect(HostNames.name(of: try Identity(parsing: "myapp:api:feature-x")) == "feature-x.api.myapp.localhost")
        #expect(HostNames.name(of: try Identity(parsing: "myapp:api"), domain: "pd.test") == "api.myapp.pd.test")
        #expect(HostNames.identity(of: "api.myapp.pd.test", domain: "pd.test") == (try Identity(parsing: "myapp:api")))
    }

    @Test(
        "names outside the domain or with too many labels are not identities",
        arguments: [
            "example.com", "localhost", "a.b.c.d.localhost", "bad_label!.localhost", ".localhost", "x..localhost",
        ])
    func rejects(name: String) {
        #expect(HostNames.identity(of: name) == nil)
    }
}
