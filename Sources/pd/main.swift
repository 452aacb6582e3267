import PortDaddyCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// pd holds no server: `pd daemon` runs pd-daemon, its sibling, in its place (SiblingDaemonHost).
// The hot forms (`pd claim … -q`, `get-port`) run synchronously, before the concurrency runtime starts.
if let code = FastPath.run(CommandLine.arguments) { exit(code) }
PDMain.start(host: SiblingDaemonHost(), linking: [PD.BenchInDaemon.self, PD.TrustInDaemon.self])
