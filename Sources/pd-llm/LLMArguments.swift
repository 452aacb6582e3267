/// The command line of `pd-llm`, exactly as the daemon writes it:
/// `pd-llm --api anthropic|ollama|openai --base-url URL --model M [--max-tokens N]`.
struct LLMArguments: Equatable {
    var api: LLMAPI
    /// The server's root, e.g. `https://api.anthropic.com` or `http://127.0.0.1:11434`, without the API's path.
    var baseURL: String
    var model: String
    var maxTokens: Int?

    /// The usage text printed with an argument error.
    static let usage = "usage: pd-llm --api anthropic|ollama|openai --base-url URL --model M [--max-tokens N]"

    /// Parses the arguments after argv[0]; each option takes one value, given as `--name value` or `--name=value`.
    static func parse(_ arguments: [String]) throws(LLMError) -> LLMArguments {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            guard ["--api", "--base-url", "--model", "--max-tokens"].contains(name) else {
                throw .usage("unknown argument '\(argument)'")
            }
            if value == nil {
                index += 1
                guard index < arguments.count else { throw .usage("\(name) needs a value") }
                value = arguments[index]
            }
            guard values[name] == nil else { throw .usage("\(name) given twice") }
            values[name] = value
            index += 1
        }
        guard let apiName = values["--api"] else { throw .usage("--api is required") }
        guard let api = LLMAPI(rawValue: apiName) else { throw .usage("unknown --api '\(apiName)' (anthropic, ollama or openai)") }
        guard let baseURL = values["--base-url"], baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw .usage("--base-url must be an http:// or https:// URL")
        }
        guard let model = values["--model"], !model.isEmpty else { throw .usage("--model is required") }
        var maxTokens: Int?
        if let text = values["--max-tokens"] {
            guard let number = Int(text), number > 0 else { throw .usage("--max-tokens must be a positive integer") }
            maxTokens = number
        }
        return LLMArguments(api: api, baseURL: baseURL, model: model, maxTokens: maxTokens)
    }
}
