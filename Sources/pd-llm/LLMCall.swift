import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One run of `pd-llm`: the arguments and environment in, the reply on stdout, the usage line on `PD_USAGE_FD`,
/// an exit code out.
enum LLMCall {
    /// How long the call may go without the server answering; the daemon's timeout and kill stop it sooner.
    static let requestTimeout: TimeInterval = 600

    /// Runs the call and returns the exit code: 0, 1 (the call failed) or 2 (bad arguments or environment).
    static func run(arguments: [String], environment: [String: String]) async -> Int32 {
        // Every key in the environment is kept out of stderr, whichever API this call uses.
        let secrets = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"].compactMap { environment[$0] }.filter { !$0.isEmpty }
        do throws(LLMError) {
            let parsed = try LLMArguments.parse(arguments)
            let key = try parsed.api.key(environment: environment)
            let task = try readTask(environment: environment)
            let (text, usage) = try await send(parsed, task: task, key: key)
            writeAll(1, text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
            if let descriptor = environment["PD_USAGE_FD"] {
                guard let fd = Int32(descriptor), fd >= 0 else { throw .usageDescriptor("PD_USAGE_FD '\(descriptor)' is not a descriptor") }
                guard writeAll(fd, usage.line) else { throw .usageDescriptor("fd \(fd): \(String(cString: strerror(errno)))") }
            }
            return 0
        } catch {
            var line = "pd-llm: \(error.message)"
            for secret in secrets { line = line.replacingOccurrences(of: secret, with: "***") }
            writeAll(2, line.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n")
            if error.exitCode == 2 { writeAll(2, LLMArguments.usage + "\n") }
            return error.exitCode
        }
    }

    /// The task: `PD_TASK`, else all of stdin (unless stdin is a terminal).
    static func readTask(environment: [String: String]) throws(LLMError) -> String {
        if let task = environment["PD_TASK"], !task.isEmpty { return task }
        guard isatty(0) == 0 else { throw .usage("no task: set PD_TASK or pipe it on stdin") }
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .usage("no task: set PD_TASK or pipe it on stdin") }
        return text
    }

    /// Makes the one HTTP call and parses its answer.
    static func send(_ arguments: LLMArguments, task: String, key: String?) async throws(LLMError) -> (text: String, usage: LLMUsage) {
        let api = arguments.api
        guard let url = URL(string: api.endpoint(baseURL: arguments.baseURL)) else { throw .usage("--base-url is not a URL") }
        var request = URLRequest(url: url, timeoutInterval: requestTimeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in api.headers(key: key) { request.setValue(value, forHTTPHeaderField: name) }
        do {
            request.httpBody = try api.body(model: arguments.model, task: task, maxTokens: arguments.maxTokens)
        } catch {
            throw .usage("cannot encode the request")
        }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw .transport(api: api, detail: (error as? URLError)?.localizedDescription ?? "\(error)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw .status(api: api, code: status, message: api.errorMessage(data)) }
        return try api.parse(data)
    }

    /// Writes all of `text` to `fd`; false when a write fails.
    @discardableResult
    static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes = bytes.dropFirst(written)
        }
        return true
    }
}
