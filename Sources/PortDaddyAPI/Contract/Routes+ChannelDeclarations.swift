extension Routes {
    // MARK: declared channels
    public static let declareChannel = APIRoute<ChannelDeclarationRequest, ChannelDeclarationInfo>(
        .post, "/channels/declarations", "declare a logical channel of a repository, scoped to branch, worktree, repo or global")
    public static let channelDeclarations = APIRoute<NoBody, ChannelDeclarationsResponse>(
        .get, "/channels/declarations", query: ["repo"], "a repository's declared channels")

    static var declarationRoutes: [AnyAPIRoute] { [declareChannel.erased, channelDeclarations.erased] }
}
