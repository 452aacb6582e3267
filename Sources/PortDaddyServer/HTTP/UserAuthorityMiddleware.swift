import Hummingbird
import PortDaddyCore

/// Puts into the request context whether the caller holds the user's authority (``UserAuthority``), on the route
/// groups that require it or show more to it (not on every request: the claim path does not pay for it).
struct UserAuthorityMiddleware: RouterMiddleware {
    typealias Context = PDRequestContext
    let userToken: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.hasUserAuthority = UserAuthority.holds(request, context, token: userToken)
        return try await next(request, context)
    }
}

/// Refuses (`UNTRUSTED_CALLER`, 401) a request without the user's authority; attached to the route groups that
/// run commands, read files or hand out codes. The refusal names what was asked, looked up by the route's path
/// (`/stacks/{key}/down`).
struct RequireUserAuthority: RouterMiddleware {
    typealias Context = PDRequestContext
    /// What each guarded route does, in words, by its path as the router names it.
    let actions: [String: String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.hasUserAuthority else {
            throw PortDaddyError.untrustedCaller(context.endpointPath.flatMap { actions[$0] } ?? "this request")
        }
        return try await next(request, context)
    }
}

extension RouterMethods<PDRequestContext> {
    /// A group whose routes need the user's authority (the Unix socket or `token`); `actions` names what each
    /// route does, by its path, for the refusal.
    func requiringUserAuthority(token: String, actions: [String: String]) -> RouterGroup<PDRequestContext> {
        group().add(middleware: UserAuthorityMiddleware(userToken: token)).add(middleware: RequireUserAuthority(actions: actions))
    }
}
