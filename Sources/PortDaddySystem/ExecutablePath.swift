import Foundation

/// The path of the running program's own binary.
public enum ExecutablePath {
    /// `/proc/self/exe` on Linux (the binary actually running, symlinks resolved), else Foundation's answer.
    public static func current() -> String {
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        #endif
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}
