#if !os(Linux)
    import Foundation
    import PortDaddySystem

    /// Listening sockets on macOS and the BSDs, read through `lsof` (run directly, never through a shell).
    enum LsofListeners {
        static func listeningPorts() -> Set<Int> {
            var ports = Set<Int>()
            for line in run(["-nP", "-iTCP", "-sTCP:LISTEN", "-Fn"]) where line.hasPrefix("n") {
                if let colon = line.lastIndex(of: ":"), let port = Int(line[line.index(after: colon)...]) {
                    ports.insert(port)
                }
            }
            return ports
        }

        static func pid(listeningOn port: Int) -> Int32? {
            run(["-nP", "-t", "-iTCP:\(port)", "-sTCP:LISTEN"]).compactMap { Int32($0) }.first
        }

        private static func run(_ arguments: [String]) -> [String] {
            guard let result = try? CapturedRun.run("/usr/sbin/lsof", arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/bin"]) else { return [] }
            return result.stdout.split(separator: "\n").map(String.init)
        }
    }
#endif
