import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddyStackConfig

/// Options that pick a stack: the project (found from the current directory upward) and its context.
struct StackOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .long], help: "Project directory (default: the nearest one with a .portdaddyrc, from here upward).")
    var dir: String?
    @Option(name: .long, help: "Identity context (default: the git branch of this worktree, or its folder name when detached).")
    var context: String?
    @Flag(name: .long, help: "No context: identities are project:service.")
    var noContext = false

    /// The project's root, its validated config, its context and its stack key.
    func locate() throws -> StackLocation {
        let start = URL(fileURLWithPath: dir ?? FileManager.default.currentDirectoryPath).standardizedFileURL.resolvingSymlinksInPath().path
        // With --dir, that folder itself; else the nearest one upward.
        let found =
            dir == nil
            ? ProjectRoot.folder(holding: StackConfig.fileName, from: start)
            : (FileManager.default.fileExists(atPath: start + "/" + StackConfig.fileName) ? start : nil)
        guard let current = found else {
            throw CLIError(
                "no .portdaddyrc in \(start)" + (dir == nil ? " or above it" : "") + "; run pd scan to write one", exitCode: PDExit.notFound)
        }
        let config: StackConfig
        do { config = try StackConfig.load(root: current) } catch {
            throw CLIError(error.description, exitCode: PDExit.usage)
        }
        var chosen: String?
        if let context {
            guard let clean = WorktreeContext.sanitize(context), clean == context.lowercased() else {
                throw CLIError("context \"\(context)\" must use a-z, 0-9 and '-'", exitCode: PDExit.usage)
            }
            chosen = clean
        } else if !noContext {
            chosen = WorktreeContext.detect(from: current)
        }
        return StackLocation(
            root: current, config: config, context: chosen, key: StackConfig.key(project: config.project, context: chosen),
            contextGiven: context != nil || noContext)
    }
}

/// Where a stack is.
struct StackLocation {
    var root: String
    var config: StackConfig
    var context: String?
    var key: String
    /// `--context` or `--no-context` was given: never substitute another running stack.
    var contextGiven = false

    /// The key of this checkout's running stack: its own key, or, when the context moved on (another branch
    /// checked out since `pd up`), the stack running from this directory.
    func runningKey(_ client: PortDaddyClient) throws -> String {
        guard !contextGiven, let running = try? client.stacks().stacks, !running.contains(where: { $0.key == key }),
            let same = running.first(where: { $0.root == root })
        else { return key }
        Output.warn("no stack \(key) runs; using \(same.key), which runs from this directory")
        return same.key
    }

    /// The identity of the service `name` of this stack: the running stack's (as `pd logs` and `pd restart`
    /// find it), else the one `pd up` would give it here.
    func identity(ofService name: String, client: PortDaddyClient) throws -> Identity? {
        guard config.services[name] != nil else { return nil }
        let key = try runningKey(client)
        if let running = try? client.stacks().stacks.first(where: { $0.key == key }),
            let service = running.services.first(where: { $0.name == name })
        {
            return try? Identity(parsing: service.identity)
        }
        return try? Identity(parsing: ([config.project, name] + (context.map { [$0] } ?? [])).joined(separator: ":"))
    }

    func check(_ services: [String]) throws {
        for name in services where config.services[name] == nil {
            throw CLIError(
                "\(name) is not a service of \(config.project) (services: \(config.services.keys.sorted().joined(separator: ", ")))",
                exitCode: PDExit.usage)
        }
    }
}

/// Reads a name given on the command line the way the stack commands do: inside a project with a `.portdaddyrc`,
/// a one-segment name that is one of its services means that service's identity (`pd url api` in the project
/// folder is `pd url shop:api:main`); anything else is an identity as written.
func resolvedIdentity(_ raw: String, client: PortDaddyClient) throws -> Identity {
    let id: Identity
    do { id = try Identity(parsing: raw) } catch { throw CLIError(error.description, exitCode: PDExit.usage) }
    guard !raw.contains(":"), let location = try? StackOptions.parse([]).locate(),
        let service = try location.identity(ofService: id.description, client: client)
    else { return id }
    return service
}
