import ArgumentParser
import PortDaddyAPI
import PortDaddyClient

/// `--raw-channel` and the one way `pub`, `sub`, `watch`, `channels clear` and `tube` turn what the user typed into
/// a channel: `--raw-channel` → literal; a logical name or alias declared in this repository → its physical channel
/// in this checkout; otherwise literal.
struct ChannelNaming: ParsableArguments {
    @Flag(name: .customLong("raw-channel"), help: "Use the channel name as typed, even if it is a declared channel.")
    var raw = false

    init() {}

    /// The channel (or pattern) to use for `name`, a name or pattern already checked by `validatedChannel`. Asks git
    /// and the daemon only when the name is not raw and could be declared (patterns with `*` never are).
    func resolve(_ name: String, client: PortDaddyClient) throws -> String {
        guard !raw, !name.contains("*"), let checkout = GitCheckout.current() else { return name }
        let declared = try attempt { try client.channelDeclarations(repo: checkout.repo) }.declarations
        guard let declaration = declared.first(where: { $0.answers(to: name) }) else { return name }
        guard let physical = Self.physical(declaration, keys: checkout.keys) else {
            throw CLIError(
                "this checkout has no \(declaration.scope.rawValue) name for \(declaration.logical); use --raw-channel", exitCode: PDExit.usage)
        }
        return physical
    }

    /// A declaration's channel in a worktree with `keys`; `nil` when the worktree has no key for its scope (a branch
    /// or folder name with nothing left once made a slug).
    static func physical(_ declaration: ChannelDeclarationInfo, keys: GitCheckout.ScopeKeys) -> String? {
        let key = keys.key(for: declaration.scope)
        guard key != nil || declaration.scope == .global else { return nil }
        return declaration.scope.physicalName(declaration.logical, key: key)
    }
}
