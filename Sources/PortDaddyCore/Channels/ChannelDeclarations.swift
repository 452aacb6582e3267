import PortDaddyAPI

/// Declared channels: a repository's logical channel names, each scoped to the branch, the worktree, the repository
/// or nothing. The repository is a key (the canonical `git rev-parse --git-common-dir` the CLI sends), so every
/// worktree of one repository shares its declarations; the daemon never opens it. The CLI turns a logical name or
/// alias into the physical channel of the caller's checkout (`ChannelScope.physicalName`).
public struct ChannelDeclarations: Sendable {
    let store: any ChannelDeclarationStore
    let clock: any WallClock

    public init(store: any ChannelDeclarationStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Declares `logical` in the request's repository, or updates its scope, aliases and description; returns it
    /// and whether it is new. A bad name, alias, repository or description is `400` and changes nothing.
    public func ensure(_ request: ChannelDeclarationRequest, by agent: String?) throws(PortDaddyError) -> (
        declaration: ChannelDeclarationInfo, created: Bool
    ) {
        let repo = try Self.repo(request.repo)
        let logical = try Self.logicalName(request.logical)
        var aliases: [String]?
        if let raw = request.aliases {
            guard raw.count <= ChannelDeclarationRules.maxAliases else {
                throw .invalidRequest("a declared channel has at most \(ChannelDeclarationRules.maxAliases) aliases")
            }
            var seen: [String] = []
            for alias in raw {
                let name = try Self.logicalName(alias)
                guard name != logical else { throw .invalidRequest("the alias \(name) is the channel's own name") }
                if !seen.contains(name) { seen.append(name) }
            }
            aliases = seen
        }
        if let description = request.description, description.utf8.count > ChannelDeclarationRules.maxDescriptionBytes {
            throw .invalidRequest("a description is at most \(ChannelDeclarationRules.maxDescriptionBytes) bytes")
        }
        return try store.upsertDeclaration(
            repo: repo, logical: logical, scope: request.scope, aliases: aliases, description: request.description, by: agent,
            at: clock.nowMillis())
    }

    /// The declarations of `repo` (of every repository when `nil`).
    public func list(repo: String?) throws(PortDaddyError) -> [ChannelDeclarationInfo] {
        try store.declarations(repo: try repo.map { raw throws(PortDaddyError) in try Self.repo(raw) })
    }

    /// A logical name or alias: a channel name of at most 5 segments, so that the scope key still fits.
    public static func logicalName(_ raw: String) throws(PortDaddyError) -> String {
        let name = try ChannelService.name(raw).value
        guard name != ChannelDeclarationRules.reservedName else { throw .invalidChannel("the channel name \(name) is reserved") }
        let segments = name.split(separator: ":", omittingEmptySubsequences: false).count
        guard segments <= ChannelDeclarationRules.maxLogicalSegments else {
            throw .invalidChannel(
                "\(name) has \(segments) segments; a declared channel has at most \(ChannelDeclarationRules.maxLogicalSegments), "
                    + "so that its scope key fits the channel limit of \(ChannelName.maxSegments)")
        }
        return name
    }

    /// A repository key: 1 to 4,096 bytes without control characters.
    static func repo(_ raw: String) throws(PortDaddyError) -> String {
        guard !raw.isEmpty, raw.utf8.count <= ChannelDeclarationRules.maxRepoBytes,
            !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
        else {
            throw .invalidRequest("repo is the git common dir: 1 to \(ChannelDeclarationRules.maxRepoBytes) bytes without control characters")
        }
        return raw
    }
}
