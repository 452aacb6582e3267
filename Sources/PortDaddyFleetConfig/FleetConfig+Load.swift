import Foundation
import PortDaddyAPI
import Yams

extension FleetConfig {
    /// The file name of a project's fleet.
    public static let fileName = "pd-fleet.yml"

    /// Reads and validates a `pd-fleet.yml`; a file that cannot be read is one error at `(file)`.
    public static func load(path: String) -> FleetValidation {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return FleetValidation(config: nil, problems: [FleetProblem(.error, "(file)", "cannot read \(path) as UTF-8 text")])
        }
        return validate(yaml: text)
    }

    /// Validates YAML text: every problem with its YAML path, and the model when none is an error.
    public static func validate(yaml: String) -> FleetValidation {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return FleetValidation(config: nil, problems: [FleetProblem(.error, "(root)", "not valid YAML: \(error)")])
        }
        var parser = FleetParser()
        let config = parser.parse(root: root)
        let problems = parser.problems
        return FleetValidation(config: problems.contains { $0.severity == .error } ? nil : config, problems: problems)
    }
}
