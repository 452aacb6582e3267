// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "port-daddy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pd", targets: ["pd"]),
        .executable(name: "pd-daemon", targets: ["pd-daemon"]),
        .executable(name: "pd-mcp", targets: ["pd-mcp"]),
        .executable(name: "pd-llm", targets: ["pd-llm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "PortDaddyAPI", swiftSettings: strict),
        // The build's git commit, stamped by BuildInfoPlugin whenever HEAD moves ("unknown" outside a git checkout).
        .target(name: "PortDaddyBuildInfo", swiftSettings: strict, plugins: ["BuildInfoPlugin"]),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        // The runnable samples of samples/, embedded by SamplesPlugin (pd demo writes them out and runs them).
        .target(name: "PortDaddySamples", swiftSettings: strict, plugins: ["SamplesPlugin"]),
        .plugin(name: "SamplesPlugin", capability: .buildTool()),
        .target(name: "PortDaddyWire", dependencies: ["PortDaddyAPI"], swiftSettings: strict),
        .target(name: "CPortDaddySystem"),
        .target(
            name: "PortDaddySystem", dependencies: ["CPortDaddySystem", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "PortDaddyCore",
            dependencies: [
                "PortDaddyAPI", "PortDaddySystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "PortDaddyStackConfig", dependencies: ["PortDaddyAPI"], swiftSettings: strict),
        // Cluster mode: the shared state (locks, channels, agents, sessions, salvage) in PostgreSQL, for daemons on many hosts.
        .target(
            name: "PortDaddyCluster",
            dependencies: [
                "PortDaddyAPI", "PortDaddyCore", "PortDaddySystem",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // pd-fleet.yml: the model, its loader and its validation (no NIO, no GRDB; the daemon runs fleets).
        .target(
            name: "PortDaddyFleetConfig",
            dependencies: ["PortDaddyAPI", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyStacks",
            dependencies: ["PortDaddyAPI", "PortDaddyCore", "PortDaddyStackConfig", "PortDaddySystem"],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyRuns",
            dependencies: ["PortDaddyAPI", "PortDaddyCore", "PortDaddyFleetConfig", "PortDaddyStacks", "PortDaddySystem"],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyTLS",
            dependencies: [
                "PortDaddyAPI",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyServer",
            dependencies: [
                "PortDaddyAPI", "PortDaddyCore", "PortDaddyFleetConfig", "PortDaddyStackConfig", "PortDaddyStacks", "PortDaddyTLS",
                "PortDaddyRuns", "PortDaddySystem", "PortDaddyWire", "PortDaddyBuildInfo", "PortDaddyCluster",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .target(name: "PortDaddyClient", dependencies: ["PortDaddyAPI", "PortDaddySystem", "PortDaddyWire"], swiftSettings: strict),
        .target(
            name: "PortDaddyMCP",
            dependencies: ["PortDaddyAPI", "PortDaddyClient", "PortDaddyStackConfig", .product(name: "MCP", package: "swift-sdk")],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyCLI",
            dependencies: [
                "PortDaddyAPI", "PortDaddyClient", "PortDaddyFleetConfig", "PortDaddyStackConfig", "PortDaddySystem",
                "PortDaddyWire", "PortDaddyBuildInfo", "PortDaddySamples",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyDaemonCommands",
            dependencies: [
                "PortDaddyAPI", "PortDaddyCLI", "PortDaddySystem", "PortDaddyTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyBench",
            dependencies: [
                "PortDaddyAPI", "PortDaddyCLI", "PortDaddyClient", "PortDaddyCore", "PortDaddySystem", "PortDaddyWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PortDaddyTesting",
            dependencies: ["PortDaddyAPI", "PortDaddyClient", "PortDaddySystem"],
            swiftSettings: strict
        ),
        .executableTarget(name: "pd-mcp", dependencies: ["PortDaddyAPI", "PortDaddyMCP"], swiftSettings: strict),
        // One LLM HTTP call per run (the daemon's claude/ollama/openai backends): Foundation and FoundationNetworking
        // only, so URLSession's libcurl stays out of pd and pd-daemon.
        .executableTarget(name: "pd-llm", swiftSettings: strict),
        .executableTarget(
            name: "pd",
            dependencies: ["PortDaddyCLI"],
            swiftSettings: strict,
            // pd runs thousands of times a day in PORT=$(pd claim …) lines: exporting no symbols spares the loader a
            // 21,000-entry symbol table (dladdr scans it at start). A fixed-address (non-PIE) link saves more
            // (docs/BENCHMARKS.md), but against a shared Swift runtime it makes ld.so warn on every run, so only the
            // static release build asks for it (the README's build line, scripts/bench.sh).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "pd-daemon",
            dependencies: ["PortDaddyCLI", "PortDaddyServer", "PortDaddyCore", "PortDaddyBench", "PortDaddyDaemonCommands", "PortDaddyCluster"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortDaddyCoreTests",
            dependencies: ["PortDaddyCore", "PortDaddyAPI"],
            swiftSettings: strict
        ),
        .testTarget(name: "PortDaddyClusterTests", dependencies: ["PortDaddyCluster", "PortDaddyCore"], swiftSettings: strict),
        .testTarget(name: "PortDaddyWireTests", dependencies: ["PortDaddyWire", "PortDaddyAPI", "PortDaddyTesting"], swiftSettings: strict),
        .testTarget(
            name: "PortDaddyStacksTests",
            dependencies: ["PortDaddyStackConfig", "PortDaddyStacks", "PortDaddyCore", "PortDaddyAPI"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortDaddyFleetConfigTests",
            dependencies: ["PortDaddyFleetConfig", "PortDaddyAPI"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortDaddyRunsTests",
            dependencies: ["PortDaddyRuns", "PortDaddyCore", "PortDaddyAPI"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortDaddyAPITests",
            dependencies: ["PortDaddyAPI", "PortDaddyTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortDaddyTLSTests",
            dependencies: ["PortDaddyTLS", .product(name: "X509", package: "swift-certificates")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortDaddyServerTests",
            dependencies: [
                "PortDaddyServer", "PortDaddyAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PortDaddyCLITests",
            dependencies: ["PortDaddyCLI"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "pd", "pd-daemon", "pd-mcp", "pd-llm", "PortDaddyTesting", "PortDaddyClient", "PortDaddyAPI", "PortDaddyCore",
                "PortDaddyStackConfig", "PortDaddyWire",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
    ]
)
