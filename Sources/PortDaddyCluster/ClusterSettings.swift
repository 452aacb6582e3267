import Foundation
import PortDaddyCore

/// How this daemon joins a cluster: where PostgreSQL is, who it logs in as, and this node's name and lease.
///
/// The URL names host, port, user and database only. A password never travels on a command line: it comes from
/// `PORT_DADDY_CLUSTER_PASSWORD_FILE`, then libpq's `PGPASSWORD`, then `PGPASSFILE` (default `~/.pgpass`).
public struct ClusterSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// This node's name in the cluster (default: the machine's host name).
    public var node: String
    /// Where other nodes reach this node's services (`pd url --node`): default the node name.
    public var advertisedHost: String
    /// How long this node's lease lasts without a renewal (it renews every third of it). Locks held through a node
    /// whose lease ran out are free; its agents are judged dead after a further `graceSeconds`.
    public var leaseSeconds: Double
    public var graceSeconds: Double
    /// The URL as given, with no password in it (for status and logs).
    public var displayURL: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// The schema every table of Port Daddy lives in.
    public static let schema = "port_daddy"

    public init(
        host: String, port: Int, user: String, password: String?, database: String, node: String, advertisedHost: String? = nil,
        leaseSeconds: Double = 10, graceSeconds: Double = 5
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.node = node
        self.advertisedHost = advertisedHost ?? node
        self.leaseSeconds = leaseSeconds
        self.graceSeconds = graceSeconds
    }

    /// Reads a cluster URL (`postgres://user@host[:port]/db`) and the environment. Throws `INVALID_REQUEST` with
    /// one line saying what is wrong: a URL that is not one, a password in it, a bad node name or lease.
    public static func parse(
        url raw: String, node: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PortDaddyError) -> ClusterSettings {
        let url = raw.trimmingCharacters(in: .whitespaces)
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw .invalidRequest("the cluster URL \"\(url)\" is not a postgres:// URL; write postgres://user@host:5432/database")
        }
        if parts.password != nil {
            throw .invalidRequest(
                "the cluster URL carries a password; remove it and put it in a file named by PORT_DADDY_CLUSTER_PASSWORD_FILE (or PGPASSWORD)")
        }
        guard let host = parts.host, !host.isEmpty else { throw .invalidRequest("the cluster URL \"\(url)\" names no host") }
        let port = parts.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalidRequest("the cluster URL's port \(port) is not 1-65535") }
        let user = parts.user ?? environment["PGUSER"] ?? "postgres"
        var database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        if database.isEmpty { database = environment["PGDATABASE"] ?? user }
        let nodeName = try nodeName(node ?? environment["PORT_DADDY_NODE"] ?? ProcessInfo.processInfo.hostName)
        let lease = try seconds(environment["PORT_DADDY_CLUSTER_LEASE"], name: "PORT_DADDY_CLUSTER_LEASE", default: 10)
        let grace = try seconds(environment["PORT_DADDY_CLUSTER_GRACE"], name: "PORT_DADDY_CLUSTER_GRACE", default: 5)
        let password = try password(host: host, port: port, database: database, user: user, environment: environment)
        return ClusterSettings(
            host: host, port: port, user: user, password: password, database: database, node: nodeName,
            advertisedHost: environment["PORT_DADDY_ADVERTISE_HOST"], leaseSeconds: lease, graceSeconds: grace)
    }

    /// A node name: 1-63 characters of a-z, 0-9, '.', '_' and '-' (lower-cased).
    public static func nodeName(_ raw: String) throws(PortDaddyError) -> String {
        let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard !name.isEmpty, name.count <= 63, name.allSatisfy({ allowed.contains($0) }) else {
            throw .invalidRequest("node name \"\(raw)\" is not valid; use 1-63 characters of a-z, 0-9, '.', '_' and '-'")
        }
        return name
    }

    static func seconds(_ raw: String?, name: String, default value: Double) throws(PortDaddyError) -> Double {
        guard let raw else { return value }
        guard let seconds = Double(raw), seconds >= 1, seconds <= 3600 else {
            throw .invalidRequest("\(name)=\(raw) is not a number of seconds from 1 to 3600")
        }
        return seconds
    }

    /// The password, from the first of: `PORT_DADDY_CLUSTER_PASSWORD_FILE`, `PGPASSWORD`, a matching `PGPASSFILE`
    /// (or `~/.pgpass`) line. A named file that cannot be read is an error, not a silent "no password".
    static func password(host: String, port: Int, database: String, user: String, environment: [String: String]) throws(PortDaddyError)
        -> String?
    {
        if let path = environment["PORT_DADDY_CLUSTER_PASSWORD_FILE"], !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .invalidRequest("cannot read the cluster password file \(path) (PORT_DADDY_CLUSTER_PASSWORD_FILE)")
            }
            return text.trimmingCharacters(in: .newlines)
        }
        if let password = environment["PGPASSWORD"] { return password }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let passfile = environment["PGPASSFILE"] ?? "\(home)/.pgpass"
        guard let text = try? String(contentsOfFile: passfile, encoding: .utf8) else { return nil }
        return PgPassFile.lookUp(text, host: host, port: port, database: database, user: user)
    }
}

/// The `host:port:database:user:password` lines of a libpq password file (`*` matches anything, `\:` is a colon).
enum PgPassFile {
    static func lookUp(_ text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = split(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}

/// Printing, logging or dumping settings never shows the password.
extension ClusterSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(displayURL) node \(node) (advertised as \(advertisedHost)), lease \(leaseSeconds) s, grace \(graceSeconds) s, "
            + "password \(password == nil ? "none" : "set")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "url": displayURL, "node": node, "advertisedHost": advertisedHost, "leaseSeconds": leaseSeconds, "graceSeconds": graceSeconds,
                "password": password == nil ? "none" : "<redacted>",
            ])
    }
}
