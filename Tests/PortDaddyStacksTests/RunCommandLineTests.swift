import Foundation
import PortDaddyCore
import Testing

@testable import PortDaddyStackConfig
@testable import PortDaddyStacks

@Suite("pd run: the command's port and host flags")
struct RunCommandLineTests {
    func rewrite(_ command: String, scripts: [String: String] = [:], inject: Bool = true) -> RunCommandLine.Rewrite {
        RunCommandLine.rewrite(command.split(separator: " ").map(String.init), port: 4321, inject: inject, scripts: scripts)
    }

    func line(_ command: String, scripts: [String: String] = [:]) -> String {
        rewrite(command, scripts: scripts).arguments.joined(separator: " ")
    }

    @Test(
        "a dev server run directly gets its port and loopback host flags",
        arguments: [
            ("vite", "vite --port 4321 --strictPort --host 127.0.0.1"),
            ("npx vite dev", "npx vite dev --port 4321 --strictPort --host 127.0.0.1"),
            ("node_modules/.bin/vite", "node_modules/.bin/vite --port 4321 --strictPort --host 127.0.0.1"),
            ("npx --yes next dev --turbo", "npx --yes next dev --turbo -p 4321 -H 127.0.0.1"),
            ("next", "next -p 4321 -H 127.0.0.1"),
            ("python manage.py runserver", "python manage.py runserver 127.0.0.1:4321"),
            ("python3 manage.py runserver --noreload", "python3 manage.py runserver --noreload 127.0.0.1:4321"),
            ("uvicorn app.main:app", "uvicorn app.main:app --port 4321 --host 127.0.0.1"),
            ("python -m uvicorn app.main:app --factory", "python -m uvicorn app.main:app --factory --port 4321 --host 127.0.0.1"),
            ("flask run", "flask run --port 4321 --host 127.0.0.1"),
            ("flask --app blog run --debug", "flask --app blog run --debug --port 4321 --host 127.0.0.1"),
            ("python3 -m flask --app app run", "python3 -m flask --app app run --port 4321 --host 127.0.0.1"),
            ("bin/rails server", "bin/rails server -p 4321 -b 127.0.0.1"),
            ("bundle exec rails s", "bundle exec rails s -p 4321 -b 127.0.0.1"),
            ("npx astro dev", "npx astro dev --port 4321 --host 127.0.0.1"),
            ("npx nuxi dev", "npx nuxi dev --port 4321 --host 127.0.0.1"),
            ("npx remix vite:dev", "npx remix vite:dev --port 4321 --strictPort --host 127.0.0.1"),
            ("ng serve", "ng serve --port 4321 --host 127.0.0.1"),
            ("gatsby develop", "gatsby develop -p 4321 -H 127.0.0.1"),
            ("php artisan serve", "php artisan serve --port=4321 --host=127.0.0.1"),
            ("hugo server", "hugo server -p 4321 --bind 127.0.0.1"),
            ("python3 -m http.server", "python3 -m http.server 4321 --bind 127.0.0.1"),
            ("gunicorn app:app", "gunicorn app:app --bind 127.0.0.1:4321"),
            ("streamlit run app.py", "streamlit run app.py --server.port 4321 --server.address 127.0.0.1"),
            ("poetry run uvicorn main:app", "poetry run uvicorn main:app --port 4321 --host 127.0.0.1"),
            ("dotnet run", "dotnet run --urls http://127.0.0.1:4321"),
        ])
    func direct(command: String, expected: String) {
        #expect(line(command) == expected)
    }

    @Test(
        "a command that already chooses its port is left exactly as given",
        arguments: [
            "vite --port 3000", "vite --port=3000", "next dev -p 3000", "next dev -p3000", "next dev --port 3000",
            "python manage.py runserver 0.0.0.0:8000", "python manage.py runserver 8000", "uvicorn main:app --port 8000",
            "uvicorn main:app --uds /tmp/s.sock", "flask run -p 5001", "rails server --port 3001", "php artisan serve --port=8001",
            "python3 -m http.server 8000", "gunicorn -b 0.0.0.0:8000 app:app", "ng serve --port 4201",
        ])
    func portGiven(command: String) {
        let result = rewrite(command)
        #expect(result.arguments.joined(separator: " ") == command)
        #expect(result.added.isEmpty)
    }

    @Test("a host the user gave is kept, and only the port is added")
    func hostGiven() {
        #expect(line("uvicorn main:app --host 0.0.0.0") == "uvicorn main:app --host 0.0.0.0 --port 4321")
        #expect(line("vite --host") == "vite --host --port 4321 --strictPort")
        #expect(line("vite --strictPort") == "vite --strictPort --port 4321 --host 127.0.0.1")
    }

    @Test("commands that do not serve, or are not known, are left alone")
    func notServing() {
        for command in [
            "vite build", "next build", "npx next lint", "flask routes", "python manage.py migrate", "rails console", "make dev", "python3 worker.py",
            "ng build",
        ] {
            let result = rewrite(command)
            #expect(result.arguments.joined(separator: " ") == command, "\(command)")
            #expect(result.added.isEmpty, "\(command)")
        }
    }

    @Test("flags go before a -- that ends the tool's own options")
    func beforeDoubleDash() {
        #expect(line("uvicorn main:app -- extra") == "uvicorn main:app --port 4321 --host 127.0.0.1 -- extra")
    }

    @Test("{port} is replaced anywhere in an argument, and then nothing is added")
    func portToken() {
        let result = rewrite("python3 -m http.server {port}")
        #expect(result.arguments == ["python3", "-m", "http.server", "4321"])
        #expect(result.substituted && result.added.isEmpty)
        #expect(line("vite --port={port} --open http://localhost:{port}/") == "vite --port=4321 --open http://localhost:4321/")
    }

    @Test("--no-inject adds nothing but still replaces {port}")
    func noInject() {
        #expect(rewrite("vite", inject: false).arguments == ["vite"])
        #expect(rewrite("serve -l {port}", inject: false).arguments == ["serve", "-l", "4321"])
    }

    @Test("npm scripts are looked up in package.json and get their flags after --")
    func npmScripts() {
        let scripts = [
            "dev": "vite", "start": "next start", "web": "tsc -b && cross-env NODE_ENV=development vite --open", "fixed": "vite --port 3000",
            "both": "concurrently \"vite\" \"tsc -w\" | cat",
        ]
        #expect(line("npm run dev", scripts: scripts) == "npm run dev -- --port 4321 --strictPort --host 127.0.0.1")
        #expect(line("npm start", scripts: scripts) == "npm start -- -p 4321 -H 127.0.0.1")
        #expect(line("npm run web", scripts: scripts) == "npm run web -- --port 4321 --strictPort --host 127.0.0.1")
        #expect(line("npm run dev -- --open", scripts: scripts) == "npm run dev -- --open --port 4321 --strictPort --host 127.0.0.1")
        #expect(line("npm run dev -- --port 5000", scripts: scripts) == "npm run dev -- --port 5000")
        #expect(line("npm run fixed", scripts: scripts) == "npm run fixed")
        #expect(line("npm run both", scripts: scripts) == "npm run both")
        #expect(line("npm run missing", scripts: scripts) == "npm run missing")
        #expect(line("npm run --silent dev", scripts: scripts) == "npm run --silent dev -- --port 4321 --strictPort --host 127.0.0.1")
        let result = rewrite("npm run dev", scripts: scripts)
        #expect(result.tool == "vite" && result.script == "package.json script \"dev\"")
    }

    @Test("pnpm, yarn and bun scripts get their flags appended directly")
    func otherManagers() {
        let scripts = ["dev": "next dev", "serve": "astro dev"]
        #expect(line("pnpm dev", scripts: scripts) == "pnpm dev -p 4321 -H 127.0.0.1")
        #expect(line("pnpm run dev", scripts: scripts) == "pnpm run dev -p 4321 -H 127.0.0.1")
        #expect(line("yarn dev", scripts: scripts) == "yarn dev -p 4321 -H 127.0.0.1")
        #expect(line("yarn run serve", scripts: scripts) == "yarn run serve --port 4321 --host 127.0.0.1")
        #expect(line("bun run dev", scripts: scripts) == "bun run dev -p 4321 -H 127.0.0.1")
        #expect(line("pnpm install", scripts: scripts) == "pnpm install")
    }

    @Test("package.json scripts are read from the project directory")
    func readsPackageJSON() throws {
        let project = try ProjectFixture(["package.json": #"{"scripts": {"dev": "vite"}}"#])
        let result = RunCommandLine.rewrite(["npm", "run", "dev"], port: 4321, directory: project.root)
        #expect(result.arguments == ["npm", "run", "dev", "--", "--port", "4321", "--strictPort", "--host", "127.0.0.1"])
    }
}
