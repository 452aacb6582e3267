// The request and answer bodies of the three APIs, only the fields pd-llm sends or reads (snake_case as on the wire).

struct ChatMessage: Codable {
    var role: String
    var content: String
}

struct AnthropicRequest: Encodable {
    var model: String
    var max_tokens: Int
    var messages: [ChatMessage]
}

struct AnthropicAnswer: Decodable {
    struct Block: Decodable {
        var type: String
        var text: String?
    }

    struct Usage: Decodable {
        var input_tokens: Int
        var output_tokens: Int
        var cache_read_input_tokens: Int?
        var cache_creation_input_tokens: Int?
    }

    var model: String
    var content: [Block]
    var usage: Usage
}

struct OllamaOptions: Encodable {
    var num_predict: Int
}

struct OllamaRequest: Encodable {
    var model: String
    var messages: [ChatMessage]
    var stream: Bool
    var options: OllamaOptions?
}

struct OllamaAnswer: Decodable {
    var model: String
    var message: ChatMessage
    var prompt_eval_count: Int?
    var eval_count: Int?
}

struct OpenAIRequest: Encodable {
    var model: String
    var messages: [ChatMessage]
    var max_tokens: Int?
}

struct OpenAIAnswer: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable {
            var content: String?
        }

        var message: Message
    }

    struct Usage: Decodable {
        var prompt_tokens: Int
        var completion_tokens: Int
    }

    var model: String
    var choices: [Choice]
    var usage: Usage?
}

/// `{"error": "text"}` (Ollama) or `{"error": {"message": …}}` (Anthropic, OpenAI).
struct ErrorAnswer: Decodable {
    enum Detail: Decodable {
        struct Object: Decodable {
            var message: String?
        }

        case text(String)
        case object(Object)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .object(try container.decode(Object.self))
            }
        }
    }

    var error: Detail
}
