import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A run's output on disk (`runs/<id>.log`, mode 0600): one line per output line, until the size cap; then one
/// marker line and nothing more (the live feed still carries the newest lines).
final class RunLogFile {
    let path: String
    private var fd: Int32
    private var written = 0
    private let limit: Int
    private var capped = false

    init(directory: String, runID: String, limit: Int) {
        mkdir(directory, 0o700)
        path = directory + "/" + runID + ".log"
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        self.limit = limit
    }

    func append(_ line: String) {
        guard fd >= 0, !capped else { return }
        var text = line + "\n"
        if written + text.utf8.count > limit {
            text = "[pd: log capped at \(limit) bytes; pd spawn logs shows the newest lines while the run is kept]\n"
            capped = true
        }
        written += text.utf8.count
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    func finish() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    /// The last `count` lines of a run's log file.
    static func tail(directory: String, runID: String, count: Int) -> [String] {
        guard let data = FileManager.default.contents(atPath: directory + "/" + runID + ".log") else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmed = lines.last == "" ? Array(lines.dropLast()) : lines
        return Array(trimmed.suffix(max(0, count)))
    }

    static func remove(directory: String, runID: String) {
        unlink(directory + "/" + runID + ".log")
    }
}
