import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd watch <channel> --exec <program> [args…]`: run a program for every message.
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a program for every message on a channel or pattern (never through a shell).",
            discussion: """
                The program gets the message on stdin and in PD_MESSAGE, with PD_CHANNEL, PD_MESSAGE_ID, PD_SENDER and
                PD_SIGNAL. At most --concurrency runs at once; further messages wait. Reconnects and resumes by id.
                Example: pd watch git:committed --exec ./qa.sh --fast
                """)
        @Argument(help: "Channel or pattern.") var channel: String
        @Option(name: .long, help: "Programs running at once (default 4).") var concurrency = 4
        @Option(name: .long, help: "Start after this message id.") var since: Int64?
        @Option(name: .long, parsing: .remaining, help: "The program and its arguments (everything after --exec).") var exec: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let program = exec.first else {
                throw CLIError("give the program after --exec, e.g. pd watch ci:done --exec ./notify.sh", exitCode: PDExit.usage)
            }
            guard concurrency >= 1 else { throw CLIError("--concurrency must be at least 1", exitCode: PDExit.usage) }
            let pattern = try validatedChannel(channel, pattern: true)
            let start = try since ?? attempt { try global.client().channels().cursor }
            // A program that exits without reading its stdin must not take pd down with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            let slots = DispatchSemaphore(value: concurrency)
            let arguments = exec
            try followEvents(global, path: PortDaddyClient.channelStreamPath(pattern), after: start) { event in
                guard event.event == "message", let message = try? JSONDecoder().decode(ChannelMessageInfo.self, from: Data(event.data.utf8)) else {
                    return .skip
                }
                slots.wait()
                do {
                    let pid = try Self.spawn(program, arguments, message: message)
                    Thread.detachNewThread {
                        var status: Int32 = 0
                        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                        slots.signal()
                    }
                } catch {
                    slots.signal()
                    Output.warn("\(error)")
                }
                return .seen(message.id)
            }
        }

        /// Starts the program with the message on stdin and in its environment.
        static func spawn(_ program: String, _ arguments: [String], message: ChannelMessageInfo) throws -> pid_t {
            var env = ProcessInfo.processInfo.environment
            env["PD_CHANNEL"] = message.channel
            env["PD_MESSAGE"] = message.message
            env["PD_MESSAGE_ID"] = String(message.id)
            env["PD_SENDER"] = message.sender ?? ""
            env["PD_SIGNAL"] = message.signal ?? ""
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw CLIError("cannot create a pipe: \(String(cString: strerror(errno)))") }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
            posix_spawn_file_actions_addclose(&actions, fds[1])
            let argv = arguments.map { strdup($0) } + [nil]
            let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer {
                argv.forEach { free($0) }
                envp.forEach { free($0) }
            }
            var pid: pid_t = 0
            let rc = posix_spawnp(&pid, program, &actions, nil, argv, envp)
            close(fds[0])
            defer { close(fds[1]) }
            guard rc == 0 else { throw CLIError("cannot run \(program): \(String(cString: strerror(rc)))") }
            let bytes = Array(message.message.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { break }
                offset += n
            }
            return pid
        }
    }
}
