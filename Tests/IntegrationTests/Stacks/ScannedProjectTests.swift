import Foundation
import PortDaddyAPI
import PortDaddyStackConfig
import PortDaddyTesting
import Testing

/// Real projects of the frameworks `pd scan` knows best, made by the test with the frameworks' own tools (from the
/// test virtualenv), scanned by the real `pd scan`, then started by `pd up -d`: the generated commands must run.
@Suite("pd scan writes commands that run: real Django, Flask and FastAPI projects")
struct ScannedProjectTests {
    /// A daemon, a uniquely named project directory (equal names would get equal stable ports from parallel
    /// daemons), and the virtualenv's bin first on PATH for every `pd` run.
    final class Project {
        let daemon: TestDaemon
        let root: String
        let bin: String
        let marker = UUID().uuidString

        init(_ kind: String, daemonEnvironment: [String: String] = [:]) throws {
            daemon = try TestDaemon(environment: daemonEnvironment)
            try daemon.start()
            root = daemon.home + "/\(kind)-" + String(UInt32.random(in: 0x10000...0xFFFFF), radix: 16)
            bin = (try TestDependencies.python() as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        }

        deinit {
            daemon.stop()
            MarkedProcesses.killAll("PDTEST_MARKER", marker)
        }

        var environment: [String: String] {
            ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "PDTEST_MARKER": marker]
        }

        func write(_ files: [String: String]) throws {
            for (path, text) in files {
                let full = root + "/" + path
                try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: full, atomically: true, encoding: .utf8)
            }
        }

        /// Runs a program of the virtualenv (`django-admin`, `python`) in the project directory (`env -C`, no shell).
        func run(_ program: String, _ arguments: [String]) throws {
            let environment = daemon.environment.merging(environment) { $1 }
            let result = try CommandResult.run("/usr/bin/env", ["-C", root, bin + "/" + program] + arguments, environment: environment)
            if result.status != 0 { throw TestFailure("\(program) \(arguments) failed: \(result.stderr)") }
        }

        func pd(_ arguments: [String]) throws -> CommandResult {
            try daemon.pd(arguments, environment: environment)
        }

        /// `pd scan`, then the one service it wrote.
        func scan() throws -> (name: String, service: [String: Any]) {
            let scan = try pd(["scan", root])
            #expect(scan.status == 0, "\(scan.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/.portdaddyrc"))
            _ = try StackConfig.parse(data)
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let services = try #require(json["services"] as? [String: Any])
            try #require(services.count == 1, "\(services)")
            return (services.keys.first!, try #require(services.values.first as? [String: Any]))
        }

        /// `pd up -d` and the stack it reports.
        func up() throws -> StackInfo {
            let up = try pd(["up", "-d", "--json", "-C", root])
            let logs = try? pd(["logs", "-C", root])
            try #require(up.status == 0, "\(up.stderr)\n\(logs?.stdout ?? "")")
            return try JSONDecoder().decode(StackInfo.self, from: Data(up.stdout.utf8))
        }

        /// The status code of `GET http://127.0.0.1:<port><path>`, with `host` as the Host header when given.
        func status(port: Int, path: String, host: String? = nil) throws -> Int {
            let headers = host.map { "{\"Host\": \"\($0)\"}" } ?? "{}"
            let script = """
                import sys, urllib.request, urllib.error
                try:
                    request = urllib.request.Request("http://127.0.0.1:\(port)\(path)", headers=\(headers))
                    print(urllib.request.urlopen(request, timeout=10).status)
                except urllib.error.HTTPError as e:
                    print(e.code)
                """
            let result = try CommandResult.run(bin + "/python", ["-c", script], environment: daemon.environment)
            return Int(result.output) ?? -1
        }
    }

    @Test("Django after its first app (404 at /): runserver on 127.0.0.1 without reloader or health path, and it becomes ready")
    func django() throws {
        let project = try Project("django")
        try project.run("django-admin", ["startproject", "mysite", project.root])
        try project.run("python", ["manage.py", "startapp", "polls"])
        try project.write([
            "polls/views.py": "from django.http import HttpResponse\n\ndef index(request):\n    return HttpResponse(\"polls\")\n",
            "polls/urls.py": "from django.urls import path\nfrom . import views\n\nurlpatterns = [path(\"\", views.index)]\n",
            "mysite/urls.py":
                "from django.contrib import admin\nfrom django.urls import include, path\n\nurlpatterns = [\n    path(\"polls/\", "
                + "include(\"polls.urls\")),\n    path(\"admin/\", admin.site.urls),\n]\n",
        ])
        let (name, service) = try project.scan()
        #expect(name == "django")
        #expect(service["cmd"] as? String == "python3 manage.py runserver 127.0.0.1:${PORT} --noreload")
        #expect(service["healthPath"] == nil)
        #expect(service["restart"] as? String == "on-failure")
        let info = try project.up()
        let django = try #require(info.services.first)
        #expect(django.state == "ready")
        let port = try #require(django.port)
        #expect(try project.status(port: port, path: "/") == 404, "the root answers 404, so / could never be its health path")
        #expect(try project.status(port: port, path: "/polls/") == 200)
    }

    @Test("Django behind the name proxy: 400 DisallowedHost for its *.pd.test name until settings read PD_HOSTS, then 200")
    func djangoAllowedHosts() throws {
        let project = try Project(
            "djangohosts", daemonEnvironment: ["PORT_DADDY_PROXY_PORT": "auto", "PORT_DADDY_DNS_PORT": "auto", "PORT_DADDY_DNS_DOMAIN": "pd.test"])
        try project.run("django-admin", ["startproject", "mysite", project.root])
        let (name, _) = try project.scan()
        let info = try project.up()
        let service = try #require(info.services.first { $0.name == name })
        let proxy = try #require(project.daemon.runtimeInfo?.proxyPort)
        let host = "\(name).\(info.project).pd.test:\(proxy)"
        // Django's development default accepts only localhost names (*.localhost among them): this one is refused.
        #expect(try project.status(port: proxy, path: "/", host: host) == 400)
        // The documented one-line setting makes it accept every name the stack gives it.
        let settings = project.root + "/mysite/settings.py"
        var text = try String(contentsOfFile: settings, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "ALLOWED_HOSTS = []", with: "import os\nALLOWED_HOSTS = os.environ.get(\"PD_HOSTS\", \"localhost\").split(\",\")")
        try text.write(toFile: settings, atomically: true, encoding: .utf8)
        #expect(try project.pd(["restart", name, "-C", project.root]).status == 0)
        #expect(eventually(timeout: 30) { (try? project.status(port: proxy, path: "/", host: host)) == 200 })
        _ = service
    }

    @Test("Flask in app.py: flask --app app run, ready")
    func flaskModule() throws {
        let project = try Project("flaskapp")
        try project.write([
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n@app.route(\"/hello\")\ndef hello():\n    return \"hello\"\n"
        ])
        let (name, service) = try project.scan()
        #expect(name == "flask")
        #expect(service["cmd"] as? String == "flask --app app run --host 127.0.0.1 --port ${PORT}")
        let info = try project.up()
        let port = try #require(info.services.first?.port)
        #expect(info.services.first?.state == "ready")
        #expect(try project.status(port: port, path: "/hello") == 200)
    }

    @Test("Flask with a create_app factory package, declared in requirements.txt: flask --app blog run, ready")
    func flaskFactory() throws {
        let project = try Project("flaskblog")
        try project.write([
            "requirements.txt": "Flask>=3.1\n",
            "blog/__init__.py":
                "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    from . import views\n    "
                + "app.register_blueprint(views.bp)\n    return app\n",
            "blog/views.py":
                "from flask import Blueprint\n\nbp = Blueprint(\"views\", __name__)\n\n@bp.route(\"/posts\")\ndef posts():\n    return \"[]\"\n",
        ])
        let (name, service) = try project.scan()
        #expect(name == "flask")
        #expect(service["cmd"] as? String == "flask --app blog run --host 127.0.0.1 --port ${PORT}")
        let info = try project.up()
        let port = try #require(info.services.first?.port)
        #expect(info.services.first?.state == "ready")
        #expect(try project.status(port: port, path: "/posts") == 200)
    }

    @Test("FastAPI in the official app/main.py layout: uvicorn app.main:app from the project root, no --reload, ready")
    func fastAPI() throws {
        let project = try Project("fastapi")
        try project.write([
            "requirements.txt": "fastapi[standard]\n",
            "app/__init__.py": "",
            "app/routers/__init__.py": "",
            "app/routers/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n@router.get(\"/items\")\ndef items():\n    return []\n",
            "app/main.py": "from fastapi import FastAPI\n\nfrom .routers import items\n\napp = FastAPI()\napp.include_router(items.router)\n",
        ])
        let (name, service) = try project.scan()
        #expect(name == "fastapi")
        #expect(service["cmd"] as? String == "uvicorn app.main:app --host 127.0.0.1 --port ${PORT}")
        #expect(service["dir"] == nil)
        #expect(service["healthPath"] == nil)
        let info = try project.up()
        let port = try #require(info.services.first?.port)
        #expect(info.services.first?.state == "ready")
        #expect(try project.status(port: port, path: "/items") == 200)
    }
}
