/// A dev-server program `pd run` can tell its port and host: how to recognize its invocation and which flags set them.
///
/// The table covers the programs behind the scan catalog's frameworks (`FrameworkCatalog`): SvelteKit, Qwik and
/// plain Vite run `vite`; Next.js `next dev`; Django `manage.py runserver`; FastAPI and Starlette `uvicorn`; …
public struct DevServerTool: Sendable, Equatable {
    /// Stable id, e.g. `vite`.
    public let id: String
    /// Program names (the last path component of argv[0], or the module after `python -m`).
    public let programs: Set<String>
    /// The subcommands that serve. Empty: the program serves by itself.
    public let serving: Set<String>
    /// Whether the program serves when given no subcommand at all (`next` alone is `next dev`).
    public let servesBare: Bool
    /// Subcommands that never serve (`vite build`), for programs whose first positional may also be a path.
    public let notServing: Set<String>
    /// How the port is given.
    public let port: PortStyle
    /// The flags that mean "the user already chose the port" (besides the ones `port` adds).
    public let portFlags: Set<String>
    /// Arguments binding loopback only, unless one of `hostFlags` is present.
    public let host: [String]
    public let hostFlags: Set<String>

    /// How a tool takes its port.
    public enum PortStyle: Sendable, Equatable {
        /// `--port P` (plus `extra`, e.g. `--strictPort`, each added unless present).
        case flag(String, extra: [String] = [])
        /// `--port=P`.
        case equals(String)
        /// A positional `ADDRESS:P` (Django's `runserver 127.0.0.1:8000`); any positional means the user chose.
        case positionalAddress
        /// A positional `P` (`python -m http.server 8000`); any positional means the user chose.
        case positionalPort
        /// `FLAG 127.0.0.1:P` (gunicorn's `--bind`).
        case flagAddress(String)
        /// `FLAG http://127.0.0.1:P` (`dotnet run --urls`).
        case flagURL(String)
    }

    init(
        _ id: String, programs: Set<String>, serving: Set<String> = [], servesBare: Bool = true, notServing: Set<String> = [], port: PortStyle,
        portFlags: Set<String> = [], host: [String] = [], hostFlags: Set<String> = []
    ) {
        self.id = id
        self.programs = programs
        self.serving = serving
        self.servesBare = servesBare
        self.notServing = notServing
        self.port = port
        self.portFlags = portFlags
        self.host = host
        self.hostFlags = hostFlags
    }

    /// Every tool `pd run` knows.
    public static let all: [DevServerTool] = [
        // JavaScript
        DevServerTool(
            "vite", programs: ["vite"], notServing: ["build", "optimize"], port: .flag("--port", extra: ["--strictPort"]),
            host: ["--host", "127.0.0.1"], hostFlags: ["--host"]),
        DevServerTool(
            "next", programs: ["next"], serving: ["dev", "start"], port: .flag("-p"), portFlags: ["--port"], host: ["-H", "127.0.0.1"],
            hostFlags: ["--hostname"]),
        DevServerTool(
            "nuxt", programs: ["nuxi", "nuxt"], serving: ["dev", "preview", "start"], servesBare: false, port: .flag("--port"), portFlags: ["-p"],
            host: ["--host", "127.0.0.1"], hostFlags: ["-h"]),
        DevServerTool("astro", programs: ["astro"], serving: ["dev", "preview"], port: .flag("--port"), host: ["--host", "127.0.0.1"]),
        DevServerTool(
            "remix", programs: ["remix"], serving: ["vite:dev"], servesBare: false, port: .flag("--port", extra: ["--strictPort"]),
            host: ["--host", "127.0.0.1"]),
        DevServerTool(
            "react-router", programs: ["react-router"], serving: ["dev"], servesBare: false, port: .flag("--port", extra: ["--strictPort"]),
            host: ["--host", "127.0.0.1"]),
        DevServerTool(
            "angular", programs: ["ng"], serving: ["serve", "s", "dev"], servesBare: false, port: .flag("--port"), host: ["--host", "127.0.0.1"]),
        DevServerTool(
            "gatsby", programs: ["gatsby"], serving: ["develop", "serve"], servesBare: false, port: .flag("-p"), portFlags: ["--port"],
            host: ["-H", "127.0.0.1"], hostFlags: ["--host"]),
        DevServerTool(
            "docusaurus", programs: ["docusaurus"], serving: ["start", "serve"], servesBare: false, port: .flag("--port"),
            host: ["--host", "127.0.0.1"]),
        DevServerTool("storybook", programs: ["storybook"], serving: ["dev"], servesBare: false, port: .flag("-p"), portFlags: ["--port"]),
        DevServerTool(
            "vue-cli", programs: ["vue-cli-service"], serving: ["serve"], servesBare: false, port: .flag("--port"), host: ["--host", "127.0.0.1"]),
        DevServerTool(
            "webpack-dev-server", programs: ["webpack"], serving: ["serve", "server", "s"], servesBare: false, port: .flag("--port"),
            host: ["--host", "127.0.0.1"]),
        DevServerTool("webpack-dev-server", programs: ["webpack-dev-server"], port: .flag("--port"), host: ["--host", "127.0.0.1"]),
        DevServerTool(
            "parcel", programs: ["parcel"], notServing: ["build"], port: .flag("--port"), portFlags: ["-p"], host: ["--host", "127.0.0.1"]),
        DevServerTool("solid-start", programs: ["vinxi"], serving: ["dev", "start"], servesBare: false, port: .flag("--port")),
        DevServerTool("expo", programs: ["expo"], serving: ["start"], servesBare: false, port: .flag("--port"), portFlags: ["-p"]),
        DevServerTool("meteor", programs: ["meteor"], serving: ["run"], port: .flag("--port"), portFlags: ["-p"]),
        // Python
        DevServerTool(
            "django", programs: ["manage.py", "django-admin", "django"], serving: ["runserver"], servesBare: false, port: .positionalAddress),
        DevServerTool("uvicorn", programs: ["uvicorn"], port: .flag("--port"), portFlags: ["--uds", "--fd"], host: ["--host", "127.0.0.1"]),
        DevServerTool(
            "flask", programs: ["flask"], serving: ["run"], servesBare: false, port: .flag("--port"), portFlags: ["-p"],
            host: ["--host", "127.0.0.1"], hostFlags: ["-h"]),
        DevServerTool("gunicorn", programs: ["gunicorn"], port: .flagAddress("--bind"), portFlags: ["-b"]),
        DevServerTool(
            "sanic", programs: ["sanic"], port: .flag("--port"), portFlags: ["-p", "--unix", "-u"], host: ["--host", "127.0.0.1"], hostFlags: ["-H"]),
        DevServerTool(
            "streamlit", programs: ["streamlit"], serving: ["run"], servesBare: false, port: .flag("--server.port"),
            host: ["--server.address", "127.0.0.1"]),
        DevServerTool(
            "jupyter", programs: ["jupyter"], serving: ["lab", "notebook", "server"], servesBare: false, port: .flag("--port"),
            host: ["--ip", "127.0.0.1"]),
        DevServerTool(
            "jupyter", programs: ["jupyter-lab", "jupyter-notebook", "jupyter-server"], port: .flag("--port"), host: ["--ip", "127.0.0.1"]),
        DevServerTool("http.server", programs: ["http.server"], port: .positionalPort, host: ["--bind", "127.0.0.1"], hostFlags: ["-b"]),
        // Ruby
        DevServerTool(
            "rails", programs: ["rails"], serving: ["server", "s"], servesBare: false, port: .flag("-p"), portFlags: ["--port"],
            host: ["-b", "127.0.0.1"], hostFlags: ["--binding"]),
        DevServerTool("rack", programs: ["rackup"], port: .flag("-p"), portFlags: ["--port"], host: ["-o", "127.0.0.1"], hostFlags: ["--host"]),
        DevServerTool("hanami", programs: ["hanami"], serving: ["server", "s"], servesBare: false, port: .flag("--port"), portFlags: ["-p"]),
        DevServerTool(
            "jekyll", programs: ["jekyll"], serving: ["serve", "server", "s"], servesBare: false, port: .flag("--port"), portFlags: ["-P"],
            host: ["--host", "127.0.0.1"], hostFlags: ["-H"]),
        // PHP, Go, Rust, .NET
        DevServerTool(
            "laravel", programs: ["artisan"], serving: ["serve"], servesBare: false, port: .equals("--port"), host: ["--host=127.0.0.1"],
            hostFlags: ["--host"]),
        DevServerTool(
            "hugo", programs: ["hugo"], serving: ["server", "serve"], servesBare: false, port: .flag("-p"), portFlags: ["--port"],
            host: ["--bind", "127.0.0.1"]),
        DevServerTool(
            "zola", programs: ["zola"], serving: ["serve"], servesBare: false, port: .flag("--port"), portFlags: ["-p"],
            host: ["--interface", "127.0.0.1"], hostFlags: ["-i"]),
        DevServerTool("dotnet", programs: ["dotnet"], serving: ["run", "watch"], servesBare: false, port: .flagURL("--urls")),
    ]
}
