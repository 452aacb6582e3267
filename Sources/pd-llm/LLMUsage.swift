import Foundation

/// The exact token counts of one answer, as the usage protocol carries them to the daemon.
struct LLMUsage: Equatable {
    var input: Int
    var output: Int
    var cacheRead: Int
    var cacheWrite: Int
    /// The model the server says answered (not the one asked for).
    var model: String

    /// The one usage-protocol line, keys in this fixed order:
    /// `{"pd_usage":{"input":N,"output":N,"cacheRead":N,"cacheWrite":N,"model":"M"}}` and a newline.
    var line: String {
        "{\"pd_usage\":{\"input\":\(input),\"output\":\(output),\"cacheRead\":\(cacheRead),\"cacheWrite\":\(cacheWrite),"
            + "\"model\":\(LLMUsage.jsonString(model))}}\n"
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard let data = try? encoder.encode(text) else { return "\"\"" }
        return String(decoding: data, as: UTF8.self)
    }
}
