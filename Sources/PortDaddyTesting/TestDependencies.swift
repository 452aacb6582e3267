import Foundation

/// What the tests need from outside the package, installed beforehand by `scripts/install-test-deps.sh` (which the
/// README's test command, `scripts/test`, runs before any test starts). Tests never install anything themselves:
/// two suites installing at once saw a half-made virtualenv.
public enum TestDependencies {
    /// The package root, from this file's path.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The test virtualenv (the MCP Python SDK and the web frameworks the scan and health tests run).
    public static let venv = root + "/.build/test-venv"

    /// The test virtualenv's python, or a failure that says how to install it.
    public static func python() throws -> String {
        let python = venv + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("\(python) is missing: run the tests with scripts/test (it runs scripts/install-test-deps.sh first)")
        }
        return python
    }

    /// Fails unless one of the named commands is on PATH.
    public static func requireCommand(_ names: String...) throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return
            }
        }
        throw TestFailure(
            "\(names.joined(separator: " or ")) not found: run the tests with scripts/test (it runs scripts/install-test-deps.sh first)")
    }
}
