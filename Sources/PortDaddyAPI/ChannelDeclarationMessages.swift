/// What a declared channel's physical name is scoped to: the checkout's branch, its worktree folder, the whole
/// repository, or nothing (global).
public enum ChannelScope: String, Codable, Sendable, CaseIterable {
    case branch, worktree, repo, global

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let scope = ChannelScope(rawValue: raw) else {
            throw InvalidValue(code: .invalidRequest, message: "scope \"\(raw)\" is not one of \(Self.names)")
        }
        self = scope
    }

    /// `branch|worktree|repo|global`, for messages and help.
    public static var names: String { allCases.map(\.rawValue).joined(separator: "|") }

    /// The physical channel of `logical` in a checkout whose key for this scope is `key`: `LOGICAL:key`, or
    /// `LOGICAL` alone for the global scope (which has no key).
    public func physicalName(_ logical: String, key: String?) -> String {
        guard self != .global, let key else { return logical }
        return logical + ":" + key
    }
}

/// The rules of a declaration, shared by the daemon (which refuses a bad one) and the CLI.
public enum ChannelDeclarationRules {
    /// A logical name or alias has at most 5 segments, so that with the scope key it fits a channel's 6.
    public static let maxLogicalSegments = ChannelName.maxSegments - 1
    public static let maxAliases = 16
    public static let maxDescriptionBytes = 500
    public static let maxRepoBytes = 4096
    /// The one channel name that `POST /channels/declarations` takes for itself: not publishable over HTTP, so not
    /// a name `pd` publishes to, clears or declares.
    public static let reservedName = "declarations"
}

/// `POST /channels/declarations` body: declare (or update) a logical channel of a repository. `repo` is the
/// canonical `git rev-parse --git-common-dir` of the caller's checkout, a key only (the daemon never opens it).
/// `aliases` and `description` left out keep what an earlier declaration set.
public struct ChannelDeclarationRequest: Codable, Sendable, Equatable {
    public var repo: String
    public var logical: String
    public var scope: ChannelScope
    public var aliases: [String]?
    public var description: String?

    public init(repo: String, logical: String, scope: ChannelScope, aliases: [String]? = nil, description: String? = nil) {
        self.repo = repo
        self.logical = logical
        self.scope = scope
        self.aliases = aliases
        self.description = description
    }
}

/// A declared channel as stored.
public struct ChannelDeclarationInfo: Codable, Sendable, Equatable {
    public var repo: String
    public var logical: String
    public var scope: ChannelScope
    public var aliases: [String]
    public var description: String?
    /// The agent that first declared it, when it sent one.
    public var createdBy: String?
    /// Milliseconds since 1970.
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        repo: String, logical: String, scope: ChannelScope, aliases: [String], description: String?, createdBy: String?,
        createdAt: Int64, updatedAt: Int64
    ) {
        self.repo = repo
        self.logical = logical
        self.scope = scope
        self.aliases = aliases
        self.description = description
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether `name` (a channel name as parsed) is this declaration's logical name or one of its aliases.
    public func answers(to name: String) -> Bool { logical == name || aliases.contains(name) }
}

/// `GET /channels/declarations?repo=` response (every repository's when `repo` is left out), by logical name.
public struct ChannelDeclarationsResponse: Codable, Sendable, Equatable {
    public var declarations: [ChannelDeclarationInfo]
    public init(declarations: [ChannelDeclarationInfo]) { self.declarations = declarations }
}

/// One line of `pd channels discover --json`: a declaration with its physical names in every worktree of the
/// repository (`physical`), and the one of the caller's checkout (`here`; `nil` when its branch or folder name
/// leaves no slug).
public struct DiscoveredChannel: Codable, Sendable, Equatable {
    public var declaration: ChannelDeclarationInfo
    public var physical: [String]
    public var here: String?

    public init(declaration: ChannelDeclarationInfo, physical: [String], here: String?) {
        self.declaration = declaration
        self.physical = physical
        self.here = here
    }
}

/// `pd channels discover --json`.
public struct ChannelDiscoveryResponse: Codable, Sendable, Equatable {
    public var repo: String
    public var channels: [DiscoveredChannel]
    public init(repo: String, channels: [DiscoveredChannel]) {
        self.repo = repo
        self.channels = channels
    }
}
