import PortDaddyBench
import PortDaddyCLI
import PortDaddyDaemonCommands

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// pd-daemon is the whole pd command tree plus the server: `pd daemon` runs it in its own place, so the `pd` that
// users call in `PORT=$(pd claim …)` lines stays small and starts like a hello-world.
if let code = FastPath.run(CommandLine.arguments) { exit(code) }
PDMain.start(host: ServerDaemonHost(), linking: [PD.Bench.self, PD.Trust.self])
