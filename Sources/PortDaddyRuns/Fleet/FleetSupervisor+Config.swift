import Foundation
import PortDaddyAPI
import PortDaddyCore
import PortDaddyFleetConfig
import PortDaddySystem

/// Reading and rewriting a fleet's `pd-fleet.yml` over the API (the dashboard's editor, scripts): only the file of a
/// fleet the user started or enabled, only with the hash it was read at, only when the new text validates.
extension FleetSupervisor {
    /// The fleet's file as it is on disk now, with its hash and problems.
    public func configFile(_ project: String) throws(PortDaddyError) -> FleetConfigFile {
        guard let root = root(of: project) else { throw .notFound("no fleet runs or is enabled for project \(project)") }
        let path = root + "/" + FleetConfig.fileName
        guard let data = FileManager.default.contents(atPath: path) else { throw .notFound("\(path) is gone") }
        let text = String(decoding: data, as: UTF8.self)
        return FleetConfigFile(
            project: project, path: path, yaml: text, sha256: ContentHash.of(data),
            problems: FleetConfig.validate(yaml: text).problems.map(\.description))
    }

    /// Replaces the fleet's file when `ifMatch` is the hash of the file on disk (else `FILE_CHANGED`) and the new text
    /// has no errors (else `INVALID_FLEET_CONFIG`, the file untouched): written to a temporary file beside it and
    /// renamed over it, then reloaded.
    public func writeConfig(_ project: String, yaml: String, ifMatch: String?) throws(PortDaddyError) -> FleetConfigFile {
        guard let ifMatch = ifMatch.map(Self.unquoted), !ifMatch.isEmpty else {
            throw .invalidRequest("send If-Match: <sha256> as GET /fleet/config/\(project) gave it, so no one else's edit is overwritten")
        }
        let current = try configFile(project)
        guard current.sha256 == ifMatch else { throw .fileChanged(path: current.path, current: current.sha256) }
        let validation = FleetConfig.validate(yaml: yaml)
        guard validation.config != nil else { throw .invalidFleetConfig(problems: validation.errors.map(\.description)) }
        try Self.replace(current.path, with: Data(yaml.utf8))
        _ = checkFiles()
        return try configFile(project)
    }

    /// Writes a temporary file in the same folder, with the old file's permissions, flushes it and renames it over.
    static func replace(_ path: String, with data: Data) throws(PortDaddyError) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = folder + "/.\(FleetConfig.fileName).\(Secret.hex(bytes: 4)).tmp"
        let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o644
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw .storage("cannot write beside \(path): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .storage("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// An entity tag as sent: `"abc"` or `W/"abc"` → `abc`.
    static func unquoted(_ tag: String) -> String {
        var text = tag.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("W/") { text.removeFirst(2) }
        return text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}
