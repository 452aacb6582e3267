/// How `pd scan` recognizes a framework or runtime in a directory, and how to run it.
public struct FrameworkSignature: Sendable, Equatable {
    /// Stable id, e.g. `nextjs`.
    public let id: String
    /// Display name, e.g. `Next.js`.
    public let name: String
    public let language: String
    /// All of these must hold for a directory to match.
    public let rules: [DetectionRule]
    /// The dev command; `${PORT}` is left for the supervisor to replace with the claimed port, `{app}` is replaced
    /// at scan time by the app the scanner found (see `app`).
    public let devCommand: String
    /// The port the framework uses when told nothing; `nil` for services without a port (workers).
    public let defaultPort: Int?
    /// The flag that sets its port, if any (e.g. `--port`), for documentation.
    public let portFlag: String?
    /// The environment variable that sets its port, if any (e.g. `PORT`).
    public let portEnv: String?
    /// An HTTP path that answers 2xx once the service is ready, in every project of this framework where
    /// `healthRule` holds. `nil` for most: the supervisor then waits for the port to answer.
    public let healthPath: String?
    /// When `healthPath` is guaranteed (e.g. Rails' `/up` exists only where `config/routes.rb` declares it).
    public let healthRule: DetectionRule?
    /// How to fill `{app}` in `devCommand`, for frameworks that must be told where the app object lives.
    public let app: AppTarget?
    /// When several signatures match one directory, the highest priority wins (Next.js over plain React).
    public let priority: Int

    public init(
        id: String, name: String, language: String, rules: [DetectionRule], devCommand: String, defaultPort: Int?, portFlag: String? = nil,
        portEnv: String? = "PORT", healthPath: String? = nil, healthRule: DetectionRule? = nil, app: AppTarget? = nil, priority: Int = 10
    ) {
        self.id = id
        self.name = name
        self.language = language
        self.rules = rules
        self.devCommand = devCommand
        self.defaultPort = defaultPort
        self.portFlag = portFlag
        self.portEnv = portEnv
        self.healthPath = healthPath
        self.healthRule = healthRule
        self.app = app
        self.priority = priority
    }
}

/// One condition on a directory's files.
public indirect enum DetectionRule: Sendable, Equatable {
    /// A file or directory exists at this relative path.
    case file(String)
    /// At least one of these relative paths exists.
    case anyFile([String])
    /// `package.json` lists this package in dependencies or devDependencies.
    case packageDependency(String)
    /// A dependency manifest of this ecosystem declares the package (`requirements.txt`, `Gemfile`, …).
    case dependency(Ecosystem, String)
    /// A likely Python module (`PythonEntryPoint`) constructs one of these classes or has a factory for one.
    case pythonApp([String])
    /// A file exists and contains this text.
    case fileContains(String, String)
    /// Some file directly in the directory has this suffix (e.g. `.csproj`).
    case fileSuffix(String)
    /// At least one of these rules holds.
    case anyOf([DetectionRule])
}

/// Where a framework's app object is, for the `{app}` placeholder of a dev command.
public enum AppTarget: Sendable, Equatable {
    /// An ASGI app for uvicorn (`app.main:app`, `--factory`, `--app-dir src`), found by its constructor;
    /// `fallback` when no module constructs one.
    case uvicorn(constructors: [String], fallback: String)
    /// A Flask app for `flask --app` (a module path; Flask finds the app or its factory in it).
    case flask(fallback: String)
}
