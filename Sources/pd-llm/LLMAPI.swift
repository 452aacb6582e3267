import Foundation

/// The three HTTP APIs `pd-llm` speaks: one single-turn, non-streaming call each.
enum LLMAPI: String, Equatable, Sendable {
    /// The Anthropic Messages API, `POST /v1/messages`.
    case anthropic
    /// Ollama's chat, `POST /api/chat` with `stream: false`.
    case ollama
    /// An OpenAI-compatible chat completion, `POST /v1/chat/completions` (llama.cpp, vLLM, Workers AI, …).
    case openai

    /// `max_tokens` sent to Anthropic when `--max-tokens` is absent (the API requires one).
    static let defaultAnthropicMaxTokens = 4096

    /// The full URL of the call under `baseURL`. An OpenAI base that already ends in `/v1` (as the OpenAI clients
    /// write it) is not given a second one.
    func endpoint(baseURL: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        switch self {
        case .anthropic: return base + "/v1/messages"
        case .ollama: return base + "/api/chat"
        case .openai: return base + (base.hasSuffix("/v1") ? "" : "/v1") + "/chat/completions"
        }
    }

    /// The secret this API takes from the environment, if one is set: `ANTHROPIC_API_KEY` (required) or
    /// `OPENAI_API_KEY` (optional: local OpenAI-compatible servers take none). Ollama takes none.
    func key(environment: [String: String]) throws(LLMError) -> String? {
        switch self {
        case .anthropic:
            guard let key = environment["ANTHROPIC_API_KEY"], !key.isEmpty else { throw .usage("ANTHROPIC_API_KEY is not set") }
            return key
        case .openai: return environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        case .ollama: return nil
        }
    }

    /// The request's headers besides `Content-Type`.
    func headers(key: String?) -> [String: String] {
        switch self {
        case .anthropic: ["x-api-key": key ?? "", "anthropic-version": "2023-06-01"]
        case .openai: key.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        case .ollama: [:]
        }
    }

    /// The JSON body: the task as the one user message.
    func body(model: String, task: String, maxTokens: Int?) throws -> Data {
        let messages = [ChatMessage(role: "user", content: task)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch self {
        case .anthropic:
            return try encoder.encode(
                AnthropicRequest(model: model, max_tokens: maxTokens ?? LLMAPI.defaultAnthropicMaxTokens, messages: messages))
        case .ollama:
            return try encoder.encode(
                OllamaRequest(model: model, messages: messages, stream: false, options: maxTokens.map { OllamaOptions(num_predict: $0) }))
        case .openai:
            return try encoder.encode(OpenAIRequest(model: model, messages: messages, max_tokens: maxTokens))
        }
    }

    /// The reply text and exact usage of a 2xx answer.
    func parse(_ data: Data) throws(LLMError) -> (text: String, usage: LLMUsage) {
        let decoder = JSONDecoder()
        do {
            switch self {
            case .anthropic:
                let answer = try decoder.decode(AnthropicAnswer.self, from: data)
                let text = answer.content.filter { $0.type == "text" }.compactMap(\.text).joined()
                let usage = LLMUsage(
                    input: answer.usage.input_tokens, output: answer.usage.output_tokens,
                    cacheRead: answer.usage.cache_read_input_tokens ?? 0, cacheWrite: answer.usage.cache_creation_input_tokens ?? 0,
                    model: answer.model)
                return (text, usage)
            case .ollama:
                let answer = try decoder.decode(OllamaAnswer.self, from: data)
                guard let input = answer.prompt_eval_count, let output = answer.eval_count else {
                    throw LLMError.malformed(api: self, detail: "no prompt_eval_count/eval_count")
                }
                return (answer.message.content, LLMUsage(input: input, output: output, cacheRead: 0, cacheWrite: 0, model: answer.model))
            case .openai:
                let answer = try decoder.decode(OpenAIAnswer.self, from: data)
                guard let choice = answer.choices.first else { throw LLMError.malformed(api: self, detail: "no choices") }
                guard let usage = answer.usage else { throw LLMError.malformed(api: self, detail: "no usage") }
                let counts = LLMUsage(
                    input: usage.prompt_tokens, output: usage.completion_tokens, cacheRead: 0, cacheWrite: 0, model: answer.model)
                return (choice.message.content ?? "", counts)
            }
        } catch let error as LLMError {
            throw error
        } catch {
            throw .malformed(api: self, detail: "a body that is not its answer (\(LLMAPI.describe(error)))")
        }
    }

    /// The error message an error answer carries: Anthropic's and OpenAI's `error.message`, Ollama's `error`, else
    /// the start of the body on one line.
    func errorMessage(_ data: Data) -> String {
        if let body = try? JSONDecoder().decode(ErrorAnswer.self, from: data) {
            switch body.error {
            case .text(let text): return text
            case .object(let object): if let message = object.message { return message }
            }
        }
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? "(empty body)" : line
    }

    /// A decoding error in one short line (the key path that failed, not the body).
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "not JSON"
        }
    }
}
