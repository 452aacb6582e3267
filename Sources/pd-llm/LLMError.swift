/// Why `pd-llm` stopped. Each is one line on stderr; `usage` exits 2, the others 1. No message ever holds the API key
/// or the request body.
enum LLMError: Error, Equatable {
    /// Bad arguments or environment (no task, no key the API needs).
    case usage(String)
    /// The server could not be reached or the connection failed.
    case transport(api: LLMAPI, detail: String)
    /// The server answered with an HTTP error; `message` is the error message from its body.
    case status(api: LLMAPI, code: Int, message: String)
    /// The server answered 2xx with a body that is not the API's answer.
    case malformed(api: LLMAPI, detail: String)
    /// The usage line could not be written to `PD_USAGE_FD`.
    case usageDescriptor(String)

    /// The process exit code: 2 for bad arguments, 1 for everything else.
    var exitCode: Int32 {
        if case .usage = self { return 2 }
        return 1
    }

    /// The stderr line, without the `pd-llm: ` prefix.
    var message: String {
        switch self {
        case .usage(let detail): detail
        case .transport(let api, let detail): "cannot reach \(api.rawValue): \(detail)"
        case .status(let api, let code, let message): "\(api.rawValue) answered \(code): \(message)"
        case .malformed(let api, let detail): "\(api.rawValue) answered with \(detail)"
        case .usageDescriptor(let detail): "cannot write usage: \(detail)"
        }
    }
}
