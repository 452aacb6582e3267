import Foundation

/// How v1 project names map onto identities.
public enum V1Names {
    /// v1 accepted any project name (npm package names such as `@org/app` included). Lower-case it and replace
    /// characters an identity cannot hold with `-`, so `get-port ${npm_package_name}` keeps working.
    public static func identity(fromProject project: String) -> String {
        var out = ""
        for scalar in project.asciiLowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", ".", "_", "-", ":": out.unicodeScalars.append(scalar)
            default: out.append("-")
            }
        }
        while out.hasPrefix("-") { out.removeFirst() }
        return out
    }

    /// A claim time as the ISO 8601 text v1 answers carried.
    public static func iso8601(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
