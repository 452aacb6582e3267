import Foundation
import PortDaddyCore
import Testing

@testable import PortDaddyStackConfig
@testable import PortDaddyStacks

/// A temporary project directory with the given files, removed when the value is dropped.
final class ProjectFixture {
    let root: String

    init(_ files: [String: String]) throws {
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("pd-project-\(UUID().uuidString)")
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// The single finding of a scan, or a failure naming what was found.
    func only() throws -> ProjectScanner.Finding {
        let findings = ProjectScanner.scan(root)
        try #require(findings.count == 1, "found \(findings.map { "\($0.signature.id) in \($0.directory)" })")
        return findings[0]
    }
}

@Suite("Project scanner: manifests, app modules, commands")
struct ProjectScannerTests {
    @Test("FastAPI in the official app/main.py package layout runs as app.main:app from the project root, without --reload")
    func fastAPIPackageLayout() throws {
        let project = try ProjectFixture([
            "requirements.txt": "fastapi[standard]>=0.115\n",
            "app/__init__.py": "",
            "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get(\"/items\")\ndef items():\n    return []\n",
        ])
        let finding = try project.only()
        #expect(finding.signature.id == "fastapi")
        #expect(finding.directory == ".")
        #expect(finding.command == "uvicorn app.main:app --host 127.0.0.1 --port ${PORT}")
        #expect(finding.healthPath == nil)
        #expect(finding.note == nil)
    }

    @Test("a FastAPI factory in a src layout runs with --app-dir src --factory")
    func fastAPISrcFactory() throws {
        let project = try ProjectFixture([
            "pyproject.toml": "[project]\nname = \"svc\"\ndependencies = [\n  \"fastapi>=0.110\",\n  \"uvicorn[standard]\",\n]\n",
            "src/svc/__init__.py": "",
            "src/svc/api.py": "from fastapi import FastAPI\n\ndef create_app() -> FastAPI:\n    return FastAPI()\n",
        ])
        let finding = try project.only()
        #expect(finding.signature.id == "fastapi")
        #expect(finding.command == "uvicorn --app-dir src --factory svc.api:create_app --host 127.0.0.1 --port ${PORT}")
    }

    @Test("a FastAPI app assigned under another name, in main.py with no manifest, is found by its constructor")
    func fastAPIOtherName() throws {
        let project = try ProjectFixture(["main.py": "import fastapi\napi: fastapi.FastAPI = fastapi.FastAPI(title=\"x\")\n"])
        #expect(try project.only().command == "uvicorn main:api --host 127.0.0.1 --port ${PORT}")
    }

    @Test("FastAPI declared in a manifest but constructed nowhere likely still scans, with a note and a guessed command")
    func fastAPIUnlocated() throws {
        let project = try ProjectFixture(["Pipfile": "[packages]\nfastapi = \"*\"\n\n[dev-packages]\npytest = \"*\"\n"])
        let finding = try project.only()
        #expect(finding.signature.id == "fastapi")
        #expect(finding.command == "uvicorn main:app --host 127.0.0.1 --port ${PORT}")
        #expect(finding.note?.contains("FastAPI") == true)
    }

    @Test("Flask is found in app.py, and a create_app factory package is run through flask --app")
    func flask() throws {
        let single = try ProjectFixture(["app.py": "from flask import Flask\napp = Flask(__name__)\n"])
        #expect(try single.only().command == "flask --app app run --host 127.0.0.1 --port ${PORT}")
        let factory = try ProjectFixture([
            "requirements-dev.txt": "-r requirements.txt\npytest\n",
            "requirements.txt": "Flask==3.1.0  # web\n",
            "blog/__init__.py": "from flask import Flask\n\ndef create_app(test_config=None):\n    app = Flask(__name__)\n    return app\n",
        ])
        let finding = try factory.only()
        #expect(finding.signature.id == "flask")
        #expect(finding.command == "flask --app blog run --host 127.0.0.1 --port ${PORT}")
        let src = try ProjectFixture([
            "pyproject.toml": "[tool.poetry.dependencies]\npython = \"^3.12\"\nflask = \"^3.1\"\n",
            "src/shop/__init__.py": "import flask\napp = flask.Flask(__name__)\n",
        ])
        #expect(try src.only().command == "flask --app src/shop run --host 127.0.0.1 --port ${PORT}")
    }

    @Test("Django runs runserver on 127.0.0.1 without its reloader, with no health path")
    func django() throws {
        let project = try ProjectFixture(["manage.py": "#!/usr/bin/env python\n", "requirements.txt": "django>=5.2\n"])
        let finding = try project.only()
        #expect(finding.signature.id == "django")
        #expect(finding.command == "python3 manage.py runserver 127.0.0.1:${PORT} --noreload")
        #expect(finding.healthPath == nil)
    }

    @Test("Rails is found from its Gemfile alone; /up is its health path only where routes.rb declares it")
    func rails() throws {
        let plain = try ProjectFixture(["Gemfile": "source \"https://rubygems.org\"\n# gem \"sinatra\"\ngem \"rails\", \"~> 7.0.8\"\n"])
        let old = try plain.only()
        #expect(old.signature.id == "rails")
        #expect(old.healthPath == nil)
        let modern = try ProjectFixture([
            "Gemfile": "gem 'rails', '~> 8.0'\n",
            "config/routes.rb": "Rails.application.routes.draw do\n  get \"up\" => \"rails/health#show\", as: :rails_health_check\nend\n",
        ])
        #expect(try modern.only().healthPath == "/up")
    }

    @Test(
        "frameworks are detected from their dependency manifests alone",
        arguments: [
            ("composer.json", #"{"require": {"php": "^8.2", "laravel/framework": "^11.0"}}"#, "laravel"),
            ("composer.json", #"{"require": {"symfony/framework-bundle": "7.1.*"}}"#, "symfony"),
            ("go.mod", "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/labstack/echo/v4 v4.12.0 // web\n)\n", "echo"),
            ("go.mod", "module example.com/x\nrequire github.com/gin-gonic/gin v1.10.0\n", "gin"),
            ("Cargo.toml", "[package]\nname = \"x\"\n\n[dependencies]\naxum = { version = \"0.7\" }\ntokio = \"1\"\n", "axum"),
            ("Cargo.toml", "[package]\nname = \"rocketship\"\n\n[dependencies]\nserde = \"1\"\n", "rust"),
            ("mix.exs", "defp deps do\n  [\n    {:phoenix, \"~> 1.7\"},\n    {:ecto_sql, \"~> 3.10\"}\n  ]\nend\n", "phoenix"),
            ("pom.xml", "<parent><groupId>org.springframework.boot</groupId></parent>", "spring-boot-maven"),
            ("build.gradle", "plugins { id 'org.springframework.boot' version '3.3.0' }", "spring-boot-gradle"),
            ("pyproject.toml", "[project]\nname = \"x\"\n[project.optional-dependencies]\nweb = [\"starlette\"]\n", "starlette"),
        ])
    func manifestOnly(file: String, text: String, id: String) throws {
        let project = try ProjectFixture([file: text])
        #expect(try project.only().signature.id == id)
    }

    @Test("a directory with nothing recognizable yields no findings")
    func empty() throws {
        let project = try ProjectFixture(["README.md": "# notes\n", "notes/todo.txt": "x\n"])
        #expect(ProjectScanner.scan(project.root).isEmpty)
    }

    @Test("a static site binds 127.0.0.1 only")
    func staticSite() throws {
        let project = try ProjectFixture(["index.html": "<h1>hi</h1>\n"])
        #expect(try project.only().command == "python3 -m http.server ${PORT} --bind 127.0.0.1")
    }
}
