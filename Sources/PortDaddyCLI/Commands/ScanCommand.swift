import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyStackConfig

extension PD {
    /// `pd scan [dir]`: detect frameworks and write `.portdaddyrc`.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detect the services of a project (60+ frameworks) and write .portdaddyrc (your edits win).",
            discussion: """
                Walks 3 levels, skipping node_modules, .git, build outputs, virtualenvs and vendor folders. Exits 5 \
                and writes nothing when no framework is found.
                """)
        @Argument(help: "Project directory (default: the current one).") var directory: String?
        @Flag(name: .long, help: "Print the resulting .portdaddyrc instead of writing it.") var dryRun = false
        @OptionGroup var global: GlobalOptions

        struct Detection: Codable {
            var service: String
            var directory: String
            var framework: String
            var added: Bool
        }

        struct Answer: Codable {
            var path: String
            var detections: [Detection]
            var config: String
        }

        func run() throws {
            let root = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath).standardizedFileURL.path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("\(root) is not a directory", exitCode: PDExit.usage)
            }
            let path = root + "/.portdaddyrc"
            var config: [String: Any] = [:]
            if let data = FileManager.default.contents(atPath: path) {
                guard let existing = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    throw CLIError("\(path) is not a JSON object; fix or move it, then scan again")
                }
                config = existing
            }
            if config["project"] == nil { config["project"] = Self.name(URL(fileURLWithPath: root).lastPathComponent, fallback: "project") }
            var services = config["services"] as? [String: Any] ?? [:]
            var detections: [Detection] = []
            let findings = ProjectScanner.scan(root)
            guard !findings.isEmpty else {
                throw CLIError("no known framework found under \(root); nothing written", exitCode: PDExit.notFound)
            }
            for finding in findings {
                let base = finding.directory == "." ? finding.signature.id : URL(fileURLWithPath: finding.directory).lastPathComponent
                var name = Self.name(base, fallback: finding.signature.id)
                if services[name] != nil, !Self.sameDirectory(services[name], finding.directory) {
                    name = Self.name(finding.directory.replacingOccurrences(of: "/", with: "-"), fallback: finding.signature.id)
                }
                let added = services[name] == nil
                if added {
                    var service: [String: Any] = ["cmd": finding.command, "restart": "on-failure"]
                    if finding.directory != "." { service["dir"] = finding.directory }
                    if let health = finding.healthPath { service["healthPath"] = health }
                    if finding.signature.defaultPort == nil { service["noPort"] = true }
                    services[name] = service
                    if let note = finding.note { Output.warn("\(name): \(note); check its cmd in .portdaddyrc") }
                }
                detections.append(Detection(service: name, directory: finding.directory, framework: finding.signature.name, added: added))
            }
            config["services"] = services
            let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            let text = String(decoding: data, as: UTF8.self) + "\n"
            if case .failure(let errors) = Result(catching: { () throws(StackConfigErrors) in try StackConfig.parse(data) }), !services.isEmpty {
                for problem in errors.problems { Output.warn(".portdaddyrc \(problem)") }
            }
            if !dryRun { try text.write(toFile: path, atomically: true, encoding: .utf8) }
            if global.json { return global.output.json(Answer(path: path, detections: detections, config: text)) }
            for d in detections {
                let name = d.service.padding(toLength: 16, withPad: " ", startingAt: 0)
                let kept = d.added ? "" : " (kept your entry)"
                global.output.line("\(d.added ? "+" : "=") \(name) \(d.framework) in \(d.directory)\(kept)")
            }
            if dryRun { global.output.line(text) } else { global.output.line("wrote \(path)") }
        }

        /// A service or project name: lower case, `[a-z0-9._-]`, other characters as `-`.
        static func name(_ raw: String, fallback: String) -> String {
            let mapped = String(
                raw.lowercased().unicodeScalars.map { s -> Character in
                    switch s {
                    case "a"..."z", "0"..."9", ".", "_", "-": return Character(s)
                    default: return "-"
                    }
                }
            ).trimmingCharacters(in: CharacterSet(charactersIn: "-."))
            return mapped.isEmpty ? fallback : String(mapped.prefix(63))
        }

        static func sameDirectory(_ service: Any?, _ directory: String) -> Bool {
            let dir = (service as? [String: Any])?["dir"] as? String ?? "."
            return dir == directory
        }
    }
}
