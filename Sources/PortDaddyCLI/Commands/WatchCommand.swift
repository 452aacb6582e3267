import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

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
        @OptionGroup var naming: ChannelNaming
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let program = exec.first else {
                throw CLIError("give the program after --exec, e.g. pd watch ci:done --exec ./notify.sh", exitCode: PDExit.usage)
            }
            guard concurrency >= 1 else { throw CLIError("--concurrency must be at least 1", exitCode: PDExit.usage) }
            let typed = try validatedChannel(channel, pattern: true)
            let client = try global.client()
            let pattern = try naming.resolve(typed, client: client)
            let start = try since ?? attempt { try client.channels().cursor }
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
            guard let pipe = ChildLauncher.pipe() else { throw CLIError("cannot create a pipe: \(String(cString: strerror(errno)))") }
            // In pd's process group: a Ctrl-C that stops pd watch stops the programs it started too.
            let spec = ChildSpec(
                executable: program, arguments: Array(arguments.dropFirst()), environment: env,
                stdin: .descriptor(pipe.read), stdout: .inherit, stderr: .inherit, group: .parent)
            let pid: pid_t
            do {
                defer { close(pipe.read) }
                pid = try ChildLauncher.spawn(spec)
            } catch {
                close(pipe.write)
                throw CLIError("cannot run \(program): \(error.description)", exitCode: PDExit.commandNotRunnable)
            }
            let fds = [pipe.read, pipe.write]
            defer { close(fds[1]) }
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
