// pd-llm: one single-turn, non-streaming call to an LLM HTTP API (Anthropic, Ollama, OpenAI-compatible), run by
// the daemon as a supervised child for the `claude`, `ollama` and `openai` backends. It is its own program because
// FoundationNetworking (URLSession, libcurl and ~35 more libraries) must stay out of `pd` and `pd-daemon`.
//
//   pd-llm --api anthropic|ollama|openai --base-url URL --model M [--max-tokens N]
//
// The task comes from PD_TASK (else stdin); keys from ANTHROPIC_API_KEY / OPENAI_API_KEY. The reply text goes to
// stdout and one usage-protocol line to the descriptor in PD_USAGE_FD. Exit 0, 1 (the call failed: one line on
// stderr, never the key nor the request body) or 2 (bad arguments or environment).
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

exit(await LLMCall.run(arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
