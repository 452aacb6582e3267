import Testing

@testable import PortDaddyCLI

@Suite("spans of time for people")
struct OutputSpanTests {
    @Test(
        "a span is written in its two largest units",
        arguments: [
            (0, "0s"), (42, "42s"), (312, "5m 12s"), (3_600, "1h 0m"), (7_500, "2h 5m"), (273_600, "3d 4h"),
        ])
    func span(seconds: Int, text: String) {
        #expect(Output.span(seconds: seconds) == text)
    }
}
