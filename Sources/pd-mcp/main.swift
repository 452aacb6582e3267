// The MCP server over stdio, as its own program: the MCP SDK links FoundationNetworking (libcurl and ~35 more
// libraries, ~10 ms per start), which `pd` itself must not load. `pd mcp` execs this binary, found next to `pd`,
// after putting its --home/--url into the environment.
import PortDaddyAPI
import PortDaddyMCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// pd-mcp takes no arguments: anything else is a mistake to report, never a reason to start serving.
if CommandLine.arguments.count > 1 {
    let line = Array("pd-mcp: unexpected arguments \(CommandLine.arguments.dropFirst().joined(separator: " ")); it takes none (run pd mcp)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}
do {
    try await MCPServer.run(environment: PortDaddyEnvironment.current())
} catch {
    let line = Array("pd-mcp: \(error)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
