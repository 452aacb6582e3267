#if !os(Linux)
import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/lsof")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
#endif
