/// One process's `/proc/<pid>/status` (Linux) as its `Name: value` fields: the one reader of it for the bench's
/// memory figures and the tests' signal checks.
public struct ProcStatusFile: Sendable, Equatable {
    public var fields: [String: String]

    /// Reads `/proc/<pid>/status`; nil when the process is gone or this is not Linux.
    public static func read(_ pid: Int32) -> ProcStatusFile? {
        guard pid > 0, let bytes = ProcFile.read("/proc/\(pid)/status") else { return nil }
        return parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Parses the content of a status file.
    public static func parse(_ text: String) -> ProcStatusFile {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            fields[String(line[..<colon])] = String(value)
        }
        return ProcStatusFile(fields: fields)
    }

    /// A hexadecimal mask field (`SigBlk`, `SigIgn`, …).
    public func mask(_ name: String) -> UInt64? { fields[name].flatMap { UInt64($0, radix: 16) } }

    /// A size field in KiB (`VmRSS`, `RssAnon`, `RssFile`, …).
    public func kibibytes(_ name: String) -> Int? { fields[name].flatMap { Int($0.split(separator: " ").first ?? "") } }
}
