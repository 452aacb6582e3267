/// How `pd scan` recognizes a framework or runtime in a directory, and how to run it.
public struct FrameworkSignature: Sendable, Equatable {
    /// Stable id, e.g. `nextjs`.
    public let id: String
    /// Display name, e.g. `Next.js`.
    public let name: String
    public let language: String
    /// All of these must hold for a directory to match.
    public let rules: [DetectionRule]
    /// The dev command; `${PORT}` is replaced by the claimed port.
    public let devCommand: String
    /// The port the framework uses when told nothing; `nil` for services without a port (workers).
    public let defaultPort: Int?
    /// The flag that sets its port, if any (e.g. `--port`), for documentation.
    public let portFlag: String?
    /// The environment variable that sets its port, if any (e.g. `PORT`).
    public let portEnv: String?
    /// An HTTP path that answers 2xx once the service is ready.
    public let healthPath: String?
    /// When several signatures match one directory, the highest priority wins (Next.js over plain React).
    public let priority: Int

    public init(id: String, name: String, language: String, rules: [DetectionRule], devCommand: String, defaultPort: Int?, portFlag: String? = nil, portEnv: String? = "PORT", healthPath: String? = "/", priority: Int = 10) {
        self.id = id
        self.name = name
        self.language = language
        self.rules = rules
        self.devCommand = devCommand
        self.defaultPort = defaultPort
        self.portFlag = portFlag
        self.portEnv = portEnv
        self.healthPath = healthPath
        self.priority = priority
    }
}

/// One condition on a directory's files.
public enum DetectionRule: Sendable, Equatable {
    /// A file or directory exists at this relative path.
    case file(String)
    /// At least one of these relative paths exists.
    case anyFile([String])
    /// `package.json` lists this package in dependencies or devDependencies.
    case packageDependency(String)
    /// A file exists and contains this text.
    case fileContains(String, String)
    /// Some file directly in the directory has this suffix (e.g. `.csproj`).
    case fileSuffix(String)
}
