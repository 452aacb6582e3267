/// Every framework and runtime `pd scan` knows; the highest `priority` among a directory's matches wins.
public enum FrameworkCatalog {
    // Priority guide: meta-frameworks 50, opinionated app frameworks 40-45, build tools / micro-frameworks 20-30,
    // language-generic runtimes 5-10, catch-alls (static files, compose, Procfile, notebooks) 2-3, and monorepo
    // roots exactly 1 (`ProjectScanner.scan` treats priority <= 1 as a marker reported only when nothing below it is).
    public static let all: [FrameworkSignature] = [
        // MARK: JavaScript / TypeScript

        FrameworkSignature(
            id: "nextjs", name: "Next.js", language: "JavaScript", rules: [.packageDependency("next")],
            devCommand: "npx next dev -p ${PORT}", defaultPort: 3000, portFlag: "-p", portEnv: "PORT", priority: 50),
        FrameworkSignature(
            id: "nuxt", name: "Nuxt", language: "JavaScript", rules: [.packageDependency("nuxt")],
            devCommand: "npx nuxi dev --port ${PORT}", defaultPort: 3000, portFlag: "--port", portEnv: "PORT", priority: 50),
        FrameworkSignature(
            id: "sveltekit", name: "SvelteKit", language: "JavaScript", rules: [.packageDependency("@sveltejs/kit")],
            devCommand: "npx vite dev --port ${PORT} --strictPort", defaultPort: 5173, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "remix", name: "Remix", language: "JavaScript", rules: [.packageDependency("@remix-run/dev")],
            devCommand: "npx remix vite:dev --port ${PORT} --strictPort", defaultPort: 5173, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "react-router", name: "React Router (framework mode)", language: "JavaScript", rules: [.packageDependency("@react-router/dev")],
            devCommand: "npx react-router dev --port ${PORT} --strictPort", defaultPort: 5173, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "astro", name: "Astro", language: "JavaScript", rules: [.packageDependency("astro")],
            devCommand: "npx astro dev --port ${PORT}", defaultPort: 4321, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "gatsby", name: "Gatsby", language: "JavaScript", rules: [.packageDependency("gatsby")],
            devCommand: "npx gatsby develop -p ${PORT}", defaultPort: 8000, portFlag: "-p", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "solid-start", name: "SolidStart", language: "JavaScript", rules: [.packageDependency("@solidjs/start")],
            devCommand: "npx vinxi dev --port ${PORT}", defaultPort: 3000, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "qwik", name: "Qwik City", language: "JavaScript", rules: [.packageDependency("@builder.io/qwik")],
            devCommand: "npx vite --mode ssr --port ${PORT} --strictPort", defaultPort: 5173, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "docusaurus", name: "Docusaurus", language: "JavaScript", rules: [.packageDependency("@docusaurus/core")],
            devCommand: "npx docusaurus start --port ${PORT} --no-open", defaultPort: 3000, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "expo", name: "Expo", language: "JavaScript", rules: [.packageDependency("expo")],
            devCommand: "npx expo start --port ${PORT}", defaultPort: 8081, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "electron", name: "Electron", language: "JavaScript", rules: [.packageDependency("electron")],
            devCommand: "npx electron .", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 45),
        FrameworkSignature(
            id: "angular", name: "Angular", language: "TypeScript", rules: [.file("angular.json")],
            devCommand: "npx ng serve --port ${PORT}", defaultPort: 4200, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "nestjs", name: "NestJS", language: "TypeScript", rules: [.packageDependency("@nestjs/core")],
            devCommand: "npx nest start", defaultPort: 3000, portEnv: "PORT", priority: 40),
        FrameworkSignature(
            id: "adonisjs", name: "AdonisJS", language: "TypeScript", rules: [.packageDependency("@adonisjs/core")],
            devCommand: "node ace serve", defaultPort: 3333, portEnv: "PORT", priority: 40),
        FrameworkSignature(
            id: "strapi", name: "Strapi", language: "JavaScript", rules: [.packageDependency("@strapi/strapi")],
            devCommand: "npx strapi develop", defaultPort: 1337, portEnv: "PORT", priority: 40),
        FrameworkSignature(
            id: "meteor", name: "Meteor", language: "JavaScript", rules: [.file(".meteor/release")],
            devCommand: "meteor run --port ${PORT}", defaultPort: 3000, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "eleventy", name: "Eleventy", language: "JavaScript", rules: [.packageDependency("@11ty/eleventy")],
            devCommand: "npx @11ty/eleventy --serve --port=${PORT}", defaultPort: 8080, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "create-react-app", name: "Create React App", language: "JavaScript", rules: [.packageDependency("react-scripts")],
            devCommand: "npx react-scripts start", defaultPort: 3000, portEnv: "PORT", priority: 30),
        FrameworkSignature(
            id: "vue-cli", name: "Vue CLI", language: "JavaScript", rules: [.packageDependency("@vue/cli-service")],
            devCommand: "npx vue-cli-service serve --port ${PORT}", defaultPort: 8080, portFlag: "--port", portEnv: nil, priority: 30),
        FrameworkSignature(
            id: "vite", name: "Vite", language: "JavaScript", rules: [.packageDependency("vite")],
            devCommand: "npx vite --port ${PORT} --strictPort", defaultPort: 5173, portFlag: "--port", portEnv: nil, priority: 30),
        FrameworkSignature(
            id: "parcel", name: "Parcel", language: "JavaScript", rules: [.packageDependency("parcel")],
            devCommand: "npx parcel --port ${PORT}", defaultPort: 1234, portFlag: "--port", portEnv: nil, priority: 25),
        FrameworkSignature(
            id: "webpack-dev-server", name: "webpack dev server", language: "JavaScript", rules: [.packageDependency("webpack-dev-server")],
            devCommand: "npx webpack serve --port ${PORT}", defaultPort: 8080, portFlag: "--port", portEnv: nil, priority: 25),
        FrameworkSignature(
            id: "express", name: "Express", language: "JavaScript", rules: [.packageDependency("express")],
            devCommand: "npm start", defaultPort: 3000, portEnv: "PORT", priority: 20),
        FrameworkSignature(
            id: "fastify", name: "Fastify", language: "JavaScript", rules: [.packageDependency("fastify")],
            devCommand: "npm start", defaultPort: 3000, portEnv: "PORT", priority: 20),
        FrameworkSignature(
            id: "koa", name: "Koa", language: "JavaScript", rules: [.packageDependency("koa")],
            devCommand: "npm start", defaultPort: 3000, portEnv: "PORT", priority: 20),
        FrameworkSignature(
            id: "hapi", name: "hapi", language: "JavaScript", rules: [.packageDependency("@hapi/hapi")],
            devCommand: "npm start", defaultPort: 3000, portEnv: "PORT", priority: 20),
        FrameworkSignature(
            id: "hono", name: "Hono", language: "TypeScript", rules: [.packageDependency("hono")],
            devCommand: "npm run dev", defaultPort: 3000, portEnv: "PORT", priority: 20),
        FrameworkSignature(
            id: "storybook", name: "Storybook", language: "JavaScript", rules: [.file(".storybook/")],
            devCommand: "npx storybook dev -p ${PORT} --no-open", defaultPort: 6006, portFlag: "-p", portEnv: nil, priority: 12),
        FrameworkSignature(
            id: "bun", name: "Bun", language: "JavaScript",
            rules: [.anyFile(["bun.lockb", "bun.lock"]), .fileContains("package.json", "\"dev\"")],
            devCommand: "bun run dev", defaultPort: 3000, portEnv: "PORT", priority: 6),
        FrameworkSignature(
            id: "node-dev", name: "Node.js (npm run dev)", language: "JavaScript", rules: [.fileContains("package.json", "\"dev\"")],
            devCommand: "npm run dev", defaultPort: 3000, portEnv: "PORT", priority: 5),
        FrameworkSignature(
            id: "node-start", name: "Node.js (npm start)", language: "JavaScript", rules: [.fileContains("package.json", "\"start\"")],
            devCommand: "npm start", defaultPort: 3000, portEnv: "PORT", priority: 4),

        // MARK: Python

        FrameworkSignature(
            id: "django", name: "Django", language: "Python", rules: [.file("manage.py")],
            devCommand: "python3 manage.py runserver 127.0.0.1:${PORT} --noreload", defaultPort: 8000, portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "dash", name: "Dash", language: "Python", rules: [.fileContains("app.py", "from dash import")],
            devCommand: "python3 app.py", defaultPort: 8050, portEnv: "PORT", priority: 45),
        FrameworkSignature(
            id: "streamlit", name: "Streamlit", language: "Python", rules: [.fileContains("app.py", "import streamlit")],
            devCommand: "streamlit run app.py --server.port ${PORT} --server.headless true", defaultPort: 8501,
            portFlag: "--server.port", portEnv: "STREAMLIT_SERVER_PORT", priority: 45),
        FrameworkSignature(
            id: "gradio", name: "Gradio", language: "Python", rules: [.fileContains("app.py", "import gradio")],
            devCommand: "python3 app.py", defaultPort: 7860, portEnv: "GRADIO_SERVER_PORT", priority: 45),
        FrameworkSignature(
            id: "fastapi", name: "FastAPI", language: "Python", rules: [.anyOf([.dependency(.python, "fastapi"), .pythonApp(["FastAPI"])])],
            devCommand: "uvicorn {app} --host 127.0.0.1 --port ${PORT}", defaultPort: 8000, portFlag: "--port", portEnv: nil,
            app: .uvicorn(constructors: ["FastAPI"], fallback: "main:app"), priority: 40),
        FrameworkSignature(
            id: "flask", name: "Flask", language: "Python", rules: [.anyOf([.dependency(.python, "flask"), .pythonApp(["Flask"])])],
            devCommand: "flask --app {app} run --host 127.0.0.1 --port ${PORT}", defaultPort: 5000, portFlag: "--port", portEnv: "FLASK_RUN_PORT",
            app: .flask(fallback: "app"), priority: 40),
        FrameworkSignature(
            id: "sanic", name: "Sanic", language: "Python", rules: [.fileContains("server.py", "from sanic import")],
            devCommand: "sanic server:app --host 127.0.0.1 --port ${PORT}", defaultPort: 8000, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "starlette", name: "Starlette", language: "Python", rules: [.anyOf([.dependency(.python, "starlette"), .pythonApp(["Starlette"])])],
            devCommand: "uvicorn {app} --host 127.0.0.1 --port ${PORT}", defaultPort: 8000, portFlag: "--port", portEnv: nil,
            app: .uvicorn(constructors: ["Starlette"], fallback: "main:app"), priority: 35),
        FrameworkSignature(
            id: "jupyter", name: "Jupyter", language: "Python", rules: [.fileSuffix(".ipynb")],
            devCommand: "jupyter lab --no-browser --port ${PORT}", defaultPort: 8888, portFlag: "--port", portEnv: nil, priority: 3),
        FrameworkSignature(
            id: "python-main", name: "Python script (main.py)", language: "Python", rules: [.file("main.py")],
            devCommand: "python3 main.py", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 2),
        FrameworkSignature(
            id: "python-app", name: "Python script (app.py)", language: "Python", rules: [.file("app.py")],
            devCommand: "python3 app.py", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 2),

        // MARK: Ruby

        FrameworkSignature(
            id: "rails", name: "Ruby on Rails", language: "Ruby", rules: [.anyOf([.file("bin/rails"), .dependency(.ruby, "rails")])],
            devCommand: "bundle exec rails server -p ${PORT}", defaultPort: 3000, portFlag: "-p", portEnv: "PORT",
            healthPath: "/up", healthRule: .fileContains("config/routes.rb", "rails/health#show"), priority: 50),
        FrameworkSignature(
            id: "hanami", name: "Hanami", language: "Ruby", rules: [.dependency(.ruby, "hanami")],
            devCommand: "bundle exec hanami server --port ${PORT}", defaultPort: 2300, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "sinatra", name: "Sinatra", language: "Ruby", rules: [.dependency(.ruby, "sinatra"), .file("app.rb")],
            devCommand: "bundle exec ruby app.rb -p ${PORT}", defaultPort: 4567, portFlag: "-p", portEnv: nil, priority: 30),
        FrameworkSignature(
            id: "rack", name: "Rack", language: "Ruby", rules: [.file("config.ru")],
            devCommand: "bundle exec rackup -p ${PORT}", defaultPort: 9292, portFlag: "-p", portEnv: nil, priority: 10),

        // MARK: PHP

        FrameworkSignature(
            id: "laravel", name: "Laravel", language: "PHP", rules: [.anyOf([.file("artisan"), .dependency(.php, "laravel/framework")])],
            devCommand: "php artisan serve --port=${PORT}", defaultPort: 8000, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "symfony", name: "Symfony", language: "PHP",
            rules: [.dependency(.php, "symfony/framework-bundle")],
            devCommand: "php -S 127.0.0.1:${PORT} -t public", defaultPort: 8000, portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "wordpress", name: "WordPress", language: "PHP", rules: [.anyFile(["wp-config.php", "wp-config-sample.php"])],
            devCommand: "wp server --host=127.0.0.1 --port=${PORT}", defaultPort: 8080, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "php", name: "PHP built-in server", language: "PHP", rules: [.file("index.php")],
            devCommand: "php -S 127.0.0.1:${PORT}", defaultPort: 8000, portEnv: nil, priority: 5),

        // MARK: JVM

        FrameworkSignature(
            id: "spring-boot-maven", name: "Spring Boot (Maven)", language: "Java", rules: [.fileContains("pom.xml", "org.springframework.boot")],
            devCommand: "mvn spring-boot:run -Dspring-boot.run.arguments=--server.port=${PORT}", defaultPort: 8080,
            portFlag: "--server.port", portEnv: "SERVER_PORT", priority: 40),
        FrameworkSignature(
            id: "spring-boot-gradle", name: "Spring Boot (Gradle)", language: "Java",
            rules: [.fileContains("build.gradle", "org.springframework.boot")],
            devCommand: "./gradlew bootRun --args=--server.port=${PORT}", defaultPort: 8080,
            portFlag: "--server.port", portEnv: "SERVER_PORT", priority: 40),
        FrameworkSignature(
            id: "spring-boot-gradle-kts", name: "Spring Boot (Gradle Kotlin DSL)", language: "Kotlin",
            rules: [.fileContains("build.gradle.kts", "org.springframework.boot")],
            devCommand: "./gradlew bootRun --args=--server.port=${PORT}", defaultPort: 8080,
            portFlag: "--server.port", portEnv: "SERVER_PORT", priority: 40),
        FrameworkSignature(
            id: "quarkus", name: "Quarkus", language: "Java", rules: [.fileContains("pom.xml", "io.quarkus")],
            devCommand: "mvn quarkus:dev -Dquarkus.http.port=${PORT}", defaultPort: 8080,
            portFlag: "-Dquarkus.http.port", portEnv: "QUARKUS_HTTP_PORT", priority: 40),
        FrameworkSignature(
            id: "micronaut", name: "Micronaut", language: "Java", rules: [.file("micronaut-cli.yml")],
            devCommand: "./gradlew run", defaultPort: 8080, portEnv: "MICRONAUT_SERVER_PORT", priority: 40),
        FrameworkSignature(
            id: "ktor", name: "Ktor", language: "Kotlin", rules: [.fileContains("build.gradle.kts", "io.ktor")],
            devCommand: "./gradlew run", defaultPort: 8080, portEnv: "PORT", priority: 40),

        // MARK: .NET

        FrameworkSignature(
            id: "blazor", name: "Blazor", language: "C#",
            rules: [.fileSuffix(".csproj"), .anyFile(["_Imports.razor", "App.razor", "Components/_Imports.razor", "Components/App.razor"])],
            devCommand: "dotnet run --urls http://127.0.0.1:${PORT}", defaultPort: 5000, portFlag: "--urls", portEnv: nil, priority: 30),
        FrameworkSignature(
            id: "aspnet-core", name: "ASP.NET Core", language: "C#", rules: [.fileSuffix(".csproj")],
            devCommand: "dotnet run --urls http://127.0.0.1:${PORT}", defaultPort: 5000, portFlag: "--urls", portEnv: nil, priority: 20),

        // MARK: Go

        FrameworkSignature(
            id: "gin", name: "Gin", language: "Go", rules: [.dependency(.go, "github.com/gin-gonic/gin")],
            devCommand: "go run .", defaultPort: 8080, portEnv: "PORT", priority: 30),
        FrameworkSignature(
            id: "echo", name: "Echo", language: "Go", rules: [.dependency(.go, "github.com/labstack/echo")],
            devCommand: "go run .", defaultPort: 1323, portEnv: "PORT", priority: 30),
        FrameworkSignature(
            id: "fiber", name: "Fiber", language: "Go", rules: [.dependency(.go, "github.com/gofiber/fiber")],
            devCommand: "go run .", defaultPort: 3000, portEnv: "PORT", priority: 30),
        FrameworkSignature(
            id: "go", name: "Go (net/http)", language: "Go", rules: [.file("go.mod")],
            devCommand: "go run .", defaultPort: 8080, portEnv: "PORT", priority: 10),

        // MARK: Rust

        FrameworkSignature(
            id: "axum", name: "Axum", language: "Rust", rules: [.dependency(.rust, "axum")],
            devCommand: "cargo run", defaultPort: 3000, portEnv: "PORT", priority: 30),
        FrameworkSignature(
            id: "actix-web", name: "Actix Web", language: "Rust", rules: [.dependency(.rust, "actix-web")],
            devCommand: "cargo run", defaultPort: 8080, portEnv: "PORT", priority: 30),
        FrameworkSignature(
            id: "rocket", name: "Rocket", language: "Rust", rules: [.dependency(.rust, "rocket")],
            devCommand: "cargo run", defaultPort: 8000, portEnv: "ROCKET_PORT", priority: 30),
        FrameworkSignature(
            id: "rust", name: "Rust (cargo)", language: "Rust", rules: [.file("Cargo.toml")],
            devCommand: "cargo run", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 5),

        // MARK: Elixir

        FrameworkSignature(
            id: "phoenix", name: "Phoenix", language: "Elixir", rules: [.dependency(.elixir, "phoenix")],
            devCommand: "mix phx.server", defaultPort: 4000, portEnv: "PORT", priority: 50),

        // MARK: Deno

        FrameworkSignature(
            id: "fresh", name: "Fresh", language: "TypeScript", rules: [.fileContains("deno.json", "fresh")],
            devCommand: "deno task dev --port ${PORT}", defaultPort: 8000, portFlag: "--port", portEnv: nil, priority: 50),
        FrameworkSignature(
            id: "deno", name: "Deno", language: "TypeScript", rules: [.anyFile(["deno.json", "deno.jsonc"])],
            devCommand: "deno task dev", defaultPort: 8000, portEnv: "PORT", priority: 10),

        // MARK: Static site generators

        FrameworkSignature(
            id: "hugo", name: "Hugo", language: "Go", rules: [.anyFile(["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json"])],
            devCommand: "hugo server -p ${PORT}", defaultPort: 1313, portFlag: "-p", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "jekyll", name: "Jekyll", language: "Ruby",
            rules: [.file("_config.yml"), .anyOf([.dependency(.ruby, "jekyll"), .dependency(.ruby, "github-pages")])],
            devCommand: "bundle exec jekyll serve --port ${PORT}", defaultPort: 4000, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "zola", name: "Zola", language: "Rust", rules: [.fileContains("config.toml", "base_url"), .file("templates/")],
            devCommand: "zola serve --port ${PORT}", defaultPort: 1111, portFlag: "--port", portEnv: nil, priority: 40),
        FrameworkSignature(
            id: "static-site", name: "Static site", language: "HTML", rules: [.file("index.html")],
            devCommand: "python3 -m http.server ${PORT} --bind 127.0.0.1", defaultPort: 8000, portEnv: nil, priority: 2),

        // MARK: Process managers

        FrameworkSignature(
            id: "docker-compose", name: "Docker Compose", language: "Docker",
            rules: [.anyFile(["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"])],
            devCommand: "docker compose up", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 3),
        FrameworkSignature(
            id: "procfile", name: "Procfile (foreman)", language: "Procfile", rules: [.file("Procfile")],
            devCommand: "foreman start", defaultPort: 5000, portFlag: "-p", portEnv: "PORT", healthPath: nil, priority: 3),

        // MARK: Monorepo workspaces

        FrameworkSignature(
            id: "turborepo", name: "Turborepo", language: "JavaScript", rules: [.file("turbo.json")],
            devCommand: "npx turbo run dev", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 1),
        FrameworkSignature(
            id: "nx", name: "Nx", language: "JavaScript", rules: [.file("nx.json")],
            devCommand: "npx nx run-many -t serve", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 1),
        FrameworkSignature(
            id: "pnpm-workspace", name: "pnpm workspace", language: "JavaScript", rules: [.file("pnpm-workspace.yaml")],
            devCommand: "pnpm -r --parallel run dev", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 1),
        FrameworkSignature(
            id: "npm-workspaces", name: "npm/yarn workspaces", language: "JavaScript", rules: [.fileContains("package.json", "\"workspaces\"")],
            devCommand: "npm run dev --workspaces --if-present", defaultPort: nil, portEnv: nil, healthPath: nil, priority: 1),
    ]
}
