import Foundation

/// A `.portdaddyrc` that cannot be read or is not valid, with where it is and every problem found.
public struct StackConfigLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problems: [String]
    public var description: String { "\(path) is not valid:\n  " + problems.joined(separator: "\n  ") }
}

extension StackConfig {
    /// The file name of a project's stack config.
    public static let fileName = ".portdaddyrc"

    /// Reads and validates `<root>/.portdaddyrc`.
    public static func load(root: String) throws(StackConfigLoadError) -> StackConfig {
        let path = root + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StackConfigLoadError(path: path, problems: ["(file): cannot be read; run pd scan to write one"])
        }
        do { return try parse(data) } catch { throw StackConfigLoadError(path: path, problems: error.problems) }
    }

    /// The `guard` setting of `<root>/.portdaddyrc`, read on its own so that a commit hook does not depend on the
    /// services being valid: `.standard` without a file or key; nil when the key holds something else.
    public static func guardMode(root: String) -> GuardMode? {
        guard let data = FileManager.default.contents(atPath: root + "/" + fileName),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let raw = json["guard"]
        else { return .standard }
        return (raw as? String).flatMap(GuardMode.init(rawValue:))
    }

    /// The key of a project's stack in a context: `project` or `project:context`.
    public static func key(project: String, context: String?) -> String {
        context.map { "\(project):\($0)" } ?? project
    }
}
