import PortDaddyBench
import PortDaddyCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The hot forms (`pd claim … -q`, `get-port`) run synchronously, before the concurrency runtime starts.
if let code = FastPath.run(CommandLine.arguments) { exit(code) }
PDMain.start(linking: [PD.Bench.self])
