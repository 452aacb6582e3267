import PortDaddyAPI
import Testing

@Suite("identity patterns")
struct IdentityPatternTests {
    @Test("a pattern without '*' names one identity (looked up, not scanned); with one, none")
    func exactIdentity() throws {
        #expect(try IdentityPattern(parsing: "MyApp:API").exactIdentity == (try Identity(parsing: "myapp:api")))
        #expect(try IdentityPattern(parsing: "myapp").exactIdentity == (try Identity(parsing: "myapp")))
        #expect(try IdentityPattern(parsing: "myapp:*").exactIdentity == nil)
        #expect(try IdentityPattern(parsing: "my*:api").exactIdentity == nil)
        // The lookup and the scan agree on what the exact pattern matches.
        let pattern = try IdentityPattern(parsing: "myapp:api")
        #expect(pattern.matches(try Identity(parsing: "myapp:api")))
        #expect(!pattern.matches(try Identity(parsing: "myapp:api:extra")))
    }
}
