import PortDaddyAPI
import PortDaddyClient
import PortDaddyWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The start path of the two commands that run inside `PORT=$(…)` lines thousands of times a day:
/// `pd claim <identity> [-q] [--port N] [--pid N] [--expires D] [--sticky] [--fallback]` and
/// `get-port <project> [preferred]`.
///
/// Argument parsing by reflection and Foundation's JSON coders cost milliseconds at process start in a binary
/// this size (each first protocol-conformance lookup scans the whole conformance table), so these forms are
/// parsed by hand and their JSON is written and read directly. Anything else (help, --json, unknown flags)
/// returns `nil` and goes through the full command tree, which behaves identically.
public enum FastPath {
    /// Runs the command if it is a fast-path form; returns its exit code, or `nil` to use the full parser.
    public static func run(_ argv: [String]) -> Int32? {
        let invokedAs = (argv.first ?? "pd").split(separator: "/").last.map(String.init) ?? "pd"
        var args = Array(argv.dropFirst())
        if invokedAs == "get-port" { args.insert("get-port", at: 0) }
        guard let command = args.first else { return nil }
        switch command {
        case "claim": return claim(Array(args.dropFirst()))
        case "get-port": return getPort(Array(args.dropFirst()))
        default: return nil
        }
    }

    static func claim(_ args: [String]) -> Int32? {
        var identity: String?
        var quiet = false
        var fields: [String] = []
        var ipcArgs: [MessagePackEntry] = []
        var explicitPID = false
        var i = 0
        while i < args.count {
            let arg = args[i]
            func value() -> String? {
                i += 1
                return i < args.count ? args[i] : nil
            }
            switch arg {
            case "-q", "--quiet": quiet = true
            case "--sticky":
                fields.append(#""sticky":true"#)
                ipcArgs.append(MessagePackEntry("sticky", .bool(true)))
            case "--fallback":
                fields.append(#""fallback":true"#)
                ipcArgs.append(MessagePackEntry("fallback", .bool(true)))
            case "--port", "--pid":
                guard let raw = value(), let n = Int(raw) else { return nil }
                if arg == "--port" {
                    do { _ = try PortNumber(validating: n) } catch { return fail(error.message, PDExit.usage) }
                    fields.append(#""port":\#(n)"#)
                } else {
                    explicitPID = true
                    fields.append(#""pid":\#(n)"#)
                }
                ipcArgs.append(MessagePackEntry(String(arg.dropFirst(2)), .int(Int64(n))))
            case "--expires":
                guard let raw = value() else { return nil }
                guard let seconds = DurationParser.seconds(raw) else {
                    return fail("\"\(raw)\" is not a duration; use e.g. 90s, 15m, 2h, 1d", PDExit.usage)
                }
                fields.append(#""expires":\#(seconds)"#)
                ipcArgs.append(MessagePackEntry("expires", .double(seconds)))
            default:
                if arg.hasPrefix("-") || identity != nil { return nil }
                identity = arg
            }
            i += 1
        }
        guard let identity else { return nil }
        do { _ = try Identity(parsing: identity) } catch { return fail(error.description, PDExit.usage) }
        if !explicitPID {
            fields.append(#""pid":\#(getppid())"#)
            ipcArgs.append(MessagePackEntry("pid", .int(Int64(getppid()))))
        }
        let body = "{" + ([#""id":\#(FlatJSON.quote(identity))"#] + fields).joined(separator: ",") + "}"
        let answer =
            ipc(.claim, .map([MessagePackEntry("id", .string(identity))] + ipcArgs))
            ?? send(Routes.claim.method.rawValue, Routes.claim.path(), body: body, headers: [])
        guard let answer else { return PDExit.unreachable }
        guard let port = answer.port else { return answer.exit }
        if quiet {
            writeLine(String(port))
        } else {
            let existing = answer.fields["existing"] == .bool(true)
            let message: String
            if case .string(let m) = answer.fields["message"] { message = m } else { message = "" }
            let out = Output()
            writeLine("\(out.bold(identity.lowercased())) → \(out.green(String(port))) (\(existing ? "kept" : "new"); \(message))")
        }
        return PDExit.ok
    }

    static func getPort(_ args: [String]) -> Int32? {
        guard (1...2).contains(args.count), !args.contains(where: { $0.hasPrefix("-") }) else { return nil }
        var fields = [#""project":\#(FlatJSON.quote(args[0]))"#]
        var ipcArgs = [MessagePackEntry("project", .string(args[0])), MessagePackEntry("pid", .int(Int64(getppid())))]
        var preferred: Int?
        if args.count == 2 {
            guard let n = Int(args[1]), (try? PortNumber(validating: n)) != nil else { return nil }
            preferred = n
            fields.append(#""preferred":\#(n)"#)
            ipcArgs.append(MessagePackEntry("preferred", .int(Int64(n))))
        }
        let body = "{" + fields.joined(separator: ",") + "}"
        let answer =
            ipc(.getPort, .map(ipcArgs))
            ?? send(Routes.v1Request.method.rawValue, Routes.v1Request.path(), body: body, headers: [(Headers.pid, String(getppid()))])
        guard let answer else { return PDExit.unreachable }
        guard let port = answer.port else { return answer.exit }
        if let preferred, preferred != port, case .string(let message) = answer.fields["message"] {
            Output.warn(message)
        }
        writeLine(String(port))
        return PDExit.ok
    }

    struct Answer {
        var fields: [String: FlatJSON.Value]
        var status: Int
        var port: Int? {
            guard (200..<300).contains(status), case .number(let n) = fields["port"] else { return nil }
            return Int(n)
        }
        /// Reports an error answer on stderr and returns its exit code.
        var exit: Int32 {
            guard case .string(let message) = fields["error"] else {
                Output.warn("unexpected answer from the daemon (HTTP \(status))")
                return PDExit.failure
            }
            Output.warn(message)
            if case .string(let code) = fields["code"] { return PDExit.code(forDaemonCode: code) }
            return PDExit.failure
        }
    }

    static func send(_ method: String, _ path: String, body: String, headers: [(String, String)]) -> Answer? {
        do {
            let environment = PortDaddyEnvironment.current()
            let client = try PortDaddyClient.connecting(to: environment)
            client.agentID = PortDaddyEnvironment.value("PD_AGENT_ID")
            // Over TCP the token proves who we are wherever the daemon cannot tell (macOS, a shared daemon).
            client.token = GlobalOptions.userToken(for: client.endpoint, environment: environment)
            let response = try client.send(method, path, body: Array(body.utf8), headers: headers)
            guard let fields = FlatJSON.parse(response.body) else {
                Output.warn("unexpected answer from the daemon (HTTP \(response.status))")
                return Answer(fields: [:], status: 500)
            }
            return Answer(fields: fields, status: response.status)
        } catch {
            Output.warn(CLIError(error).message)
            return nil
        }
    }

    /// The answer over the binary IPC socket when it is there (nil: use HTTP), as the flat fields HTTP's JSON has.
    static func ipc(_ op: IPCOperation, _ args: MessagePackValue) -> Answer? {
        guard let connection = IPCConnection.open(PortDaddyEnvironment.current()) else { return nil }
        connection.sender = PortDaddyEnvironment.value("PD_AGENT_ID")
        do throws(ClientError) {
            return Answer(fields: flatFields(try connection.request(op, args)), status: 200)
        } catch {
            // Gone mid-request, or the IPC socket is full: HTTP retries.
            guard case .daemon(let status, let body) = error, body.errorCode != .tooManyConnections else { return nil }
            return Answer(fields: ["error": .string(body.error), "code": .string(body.code)], status: status)
        }
    }

    /// A map's scalar fields as FlatJSON values (nested ones as `.nested`).
    static func flatFields(_ content: MessagePackValue) -> [String: FlatJSON.Value] {
        guard case .map(let entries) = content else { return [:] }
        var fields: [String: FlatJSON.Value] = [:]
        for entry in entries {
            switch entry.value {
            case .string(let text): fields[entry.key] = .string(text)
            case .bool(let flag): fields[entry.key] = .bool(flag)
            case .int(let n): fields[entry.key] = .number(Double(n))
            case .uint(let n): fields[entry.key] = .number(Double(n))
            case .double(let d): fields[entry.key] = .number(d)
            case .nil: fields[entry.key] = .null
            case .binary, .array, .map: fields[entry.key] = .nested
            }
        }
        return fields
    }

    /// Writes one line to stdout without `print`'s dynamic casts.
    static func writeLine(_ text: String) {
        let line = text + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count - 1) }
    }

    static func fail(_ message: String, _ code: Int32) -> Int32 {
        Output.warn(message)
        return code
    }
}
