/// A program to start as a well-behaved child: argv without a shell, default signal dispositions, an empty signal
/// mask, no inherited descriptors beyond the three standard ones, and the process group the caller chooses.
public struct ChildSpec: Sendable {
    /// Where a standard descriptor of the child comes from.
    public enum Stream: Sendable, Equatable {
        /// The parent's own descriptor (a terminal, usually).
        case inherit
        /// `/dev/null`.
        case null
        /// A file opened for reading (stdin) or created and appended to with mode 0600 (stdout, stderr).
        case file(String)
        /// A descriptor of the parent, duplicated into place (the parent keeps and closes its own).
        case descriptor(Int32)
    }

    /// Which process group the child joins.
    public enum Group: Sendable, Equatable {
        /// The parent's, so a terminal's Ctrl-C reaches both (foreground commands like `pd with-lock`).
        case parent
        /// One of its own, so a supervisor can signal the whole tree (stacks, agents, `watch --exec`).
        case own
        /// A new session, detached from any terminal (the daemon).
        case session
    }

    /// A name looked up in `PATH` (of `environment`, else the parent's), or a path (relative to `directory`).
    public var executable: String
    /// The arguments after argv[0]; argv[0] is `executable` as given.
    public var arguments: [String]
    /// The child's whole environment.
    public var environment: [String: String]
    /// The working directory, or nil for the parent's.
    public var directory: String?
    public var stdin: Stream
    public var stdout: Stream
    public var stderr: Stream
    public var group: Group
    /// Parent descriptors handed to the child as fd 3, 4, … in order (a usage channel for agents); every other
    /// descriptor above stderr is still closed.
    public var extraDescriptors: [Int32]

    public init(
        executable: String, arguments: [String], environment: [String: String], directory: String? = nil,
        stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null, group: Group, extraDescriptors: [Int32] = []
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.group = group
        self.extraDescriptors = extraDescriptors
    }
}
