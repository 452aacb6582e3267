import Foundation
import PortDaddyAPI

/// The trust stores `pd trust` knows on this machine: the system store (Debian/Ubuntu, Fedora/RHEL, or the macOS
/// login keychain) and the NSS databases of Chromium (`~/.pki/nssdb`) and Firefox profiles.
struct TrustStores {
    /// Prefix for system paths (`PORT_DADDY_TRUST_ROOT`, for tests): files go under it and the system store's
    /// refresh command is not run.
    let root: String
    let userHome: String
    /// `certutil` on PATH (Debian: libnss3-tools), or `nil`.
    let certutil: String?

    /// The name the system store file gets.
    static let systemFileName = "port-daddy.crt"

    init(root: String? = PortDaddyEnvironment.value("PORT_DADDY_TRUST_ROOT"), userHome: String = PortDaddyEnvironment.value("HOME") ?? "/tmp") {
        self.root = root ?? ""
        self.userHome = userHome
        self.certutil = Self.which("certutil")
    }

    /// A system trust store: where the certificate goes and what refreshes the store.
    struct System {
        let name: String
        let file: String
        let refresh: [String]?
    }

    /// The system store of this OS, or `nil` when none is known.
    var system: System? {
        #if os(macOS)
            return nil
        #else
            let fm = FileManager.default
            if fm.fileExists(atPath: root + "/usr/local/share/ca-certificates") {
                return System(
                    name: "system store (update-ca-certificates)", file: root + "/usr/local/share/ca-certificates/" + Self.systemFileName,
                    refresh: ["update-ca-certificates"])
            }
            if fm.fileExists(atPath: root + "/etc/pki/ca-trust/source/anchors") {
                return System(
                    name: "system store (update-ca-trust)", file: root + "/etc/pki/ca-trust/source/anchors/" + Self.systemFileName,
                    refresh: ["update-ca-trust", "extract"])
            }
            return nil
        #endif
    }

    /// The macOS login keychain.
    var keychain: String { userHome + "/Library/Keychains/login.keychain-db" }

    /// Chromium's (and Chrome's) NSS database on Linux.
    var chromiumDatabase: String { userHome + "/.pki/nssdb" }

    /// Firefox profiles with an NSS database (`cert9.db`).
    var firefoxDatabases: [String] {
        let fm = FileManager.default
        let parents = [
            userHome + "/.mozilla/firefox", userHome + "/snap/firefox/common/.mozilla/firefox",
            userHome + "/Library/Application Support/Firefox/Profiles",
        ]
        var found: [String] = []
        for parent in parents {
            guard let names = try? fm.contentsOfDirectory(atPath: parent) else { continue }
            for name in names.sorted() where fm.fileExists(atPath: parent + "/" + name + "/cert9.db") {
                found.append(parent + "/" + name)
            }
        }
        return found
    }

    /// The nickname of this data dir's CA in NSS databases: stable per data dir, so `--remove` finds it.
    static func nickname(home: String) -> String {
        "Port Daddy local CA (" + String(StableHash.fnv1a64(home) & 0xffff_ffff, radix: 16) + ")"
    }

    /// An executable on PATH, or `nil`.
    static func which(_ name: String) -> String? {
        let path = PortDaddyEnvironment.value("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
