import Testing

@testable import PortDaddyRuns

@Suite("Display names")
struct DisplayNameTests {
    @Test("a run is named by the first four significant words of its task, title-cased")
    func derived() {
        #expect(DisplayName.make(given: nil, task: "summarize the latest auth diff, then fix it") == "Summarize Latest Auth Diff")
        #expect(DisplayName.make(given: nil, task: "  fix   flaky-test in CI ") == "Fix Flaky-test Ci")
        #expect(DisplayName.make(given: nil, task: "!!!") == "Agent")
    }

    @Test("a given name wins, trimmed")
    func given() {
        #expect(DisplayName.make(given: "  Night Watch ", task: "whatever") == "Night Watch")
        #expect(DisplayName.make(given: "  ", task: "deploy the docs") == "Deploy Docs")
    }
}
