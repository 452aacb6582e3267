import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyRuns
import PortDaddyStackConfig
import PortDaddyStacks
import Synchronization

/// The live control panel at `/`: one embedded page (no CDN), a state snapshot, one SSE stream
/// (`DashboardController+Events.swift`), the Heat and Memory views' snapshot (`+Memory`) and guarded actions (the
/// Fleet view's in `+Fleet`).
struct DashboardController: RouteController {
    let claims: ClaimService
    let locks: LockService
    let coordination: CoordinationService
    let channels: ChannelService
    let inbox: Inbox
    let activity: ActivityLog
    let stacks: StackSupervisor
    let runs: RunService
    /// Fleets, wallets and the panic switch (the Fleet view, `DashboardController+Fleet.swift`).
    let fleets: FleetSupervisor
    let wallets: WalletService
    let panic: PanicSwitch
    /// Harbors, the tuple space, pheromones, episodes and memory tiers (the Heat and Memory views).
    let memory: MemoryServices
    /// The user's token: a page that has it (opened by `pd dashboard`) may read stack output and control stacks.
    let userToken: String
    /// One-time codes and tab session keys that stand in for the user's token (see `DashboardGrants`).
    let grants = DashboardGrants()
    /// Tokens handed to rendered pages; an action must carry one (cross-site requests cannot read a page).
    let tokens = PageTokens()

    static let tokenHeader = HTTPField.Name("X-PD-Page-Token")!

    /// Page tokens that need no memory, so nothing can evict them: a random nonce and a tag over it keyed by a
    /// secret drawn at start (SipHash through a per-process-seeded `Hasher`, mixed with 32 random bytes), valid
    /// until the daemon stops (the stream's `hello` hands a reconnecting page a new one).
    final class PageTokens: Sendable {
        let secret: [UInt64] = (0..<4).map { _ in UInt64.random(in: .min ... .max) }

        func mint() -> String {
            let nonce = (0..<2).map { _ in UInt64.random(in: .min ... .max) }
            return nonce.map(Self.hex).joined() + Self.hex(tag(nonce))
        }

        func isValid(_ token: String) -> Bool {
            guard token.utf8.count == 48, token.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return false }
            let chars = Array(token)
            let parts = (0..<3).compactMap { UInt64(String(chars[($0 * 16)..<($0 * 16 + 16)]), radix: 16) }
            guard parts.count == 3 else { return false }
            return (tag(Array(parts[0..<2])) ^ parts[2]) == 0
        }

        private func tag(_ nonce: [UInt64]) -> UInt64 {
            var hasher = Hasher()
            for word in secret { hasher.combine(word) }
            for word in nonce { hasher.combine(word) }
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }

        private static func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }

    /// The actor of what the page does, in the activity log and as the sender of its inbox messages.
    static let actor = "dashboard"

    var routes: RouteCollection<PDRequestContext> {
        // Every dashboard route may show more to, or do more for, a caller with the user's authority.
        let routes = RouteCollection(context: PDRequestContext.self).add(middleware: UserAuthorityMiddleware(userToken: userToken))
        routes.on(Routes.dashboardPage, use: index)
        routes.on(Routes.dashboardState, use: snapshot)
        routes.on(Routes.dashboardEvents, use: follow)
        routes.on(Routes.dashboardMemory, use: memorySnapshot)
        routes.on(Routes.dashboardRelease, use: release)
        routes.on(Routes.dashboardInbox, use: send)
        addGrantRoutes(to: routes)
        addStackActions(to: routes)
        routes.on(Routes.dashboardKillRun, use: killRun)
        addFleetActions(to: routes)
        return routes
    }

    @Sendable func index(_ request: Request, _ context: PDRequestContext) -> Response {
        crossSiteRefusal(request, navigation: true) ?? page()
    }

    @Sendable func snapshot(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        if let refused = crossSiteRefusal(request, navigation: false) { return refused }
        return try JSONResponse.make(try await state(userTokenValid: hasControl(request, context)))
    }

    @Sendable func follow(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try crossSiteRefusal(request, navigation: false) ?? events(request)
    }

    @Sendable func release(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try check(request)
        let body = try await request.decodeJSON(ReleaseRequest.self, context: context)
        let released = try claims.release(body.id, by: Self.actor)
        return try JSONResponse.make(
            ReleaseResponse(
                released: released.map { ReleasedClaim(id: $0.identity.description, port: $0.port, reason: "released") },
                message: "released \(released.count)"))
    }

    @Sendable func send(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try check(request)
        let body = try await request.decodeJSON(DashboardInboxRequest.self, context: context)
        return try JSONResponse.make(try inbox.send(to: body.to, text: body.message, sender: Self.actor), status: .created)
    }

    /// Browsers say where a request comes from (`Sec-Fetch-Site`): the page and its data are only for the page
    /// itself (same origin), for the user typing or opening its address (`none`), and — for the page — a
    /// top-level navigation. Anything else, e.g. `<img src>` loads by another site that would mint page tokens,
    /// is refused; clients that send no such header (curl, pd) are not browsers and pass.
    func crossSiteRefusal(_ request: Request, navigation: Bool) -> Response? {
        guard let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() else { return nil }
        if site == "same-origin" || site == "none" { return nil }
        if navigation, request.headers[HTTPField.Name("Sec-Fetch-Mode")!]?.lowercased() == "navigate",
            request.headers[HTTPField.Name("Sec-Fetch-Dest")!]?.lowercased() == "document"
        {
            return nil
        }
        return JSONResponse.error(code: .forbiddenOrigin, message: "the dashboard is not served to other sites (\(site) request)")
    }

    func check(_ request: Request) throws {
        guard let token = request.headers[Self.tokenHeader], tokens.isValid(token) else {
            throw PortDaddyError.invalidRequest("dashboard actions need the page's token (X-PD-Page-Token)")
        }
    }

    func page() -> Response {
        let token = mintToken()
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // Only the page's own script runs (a nonce per response): markup that slipped through escaping could
        // not run script anyway.
        let nonce = UserAuthority.randomHex(bytes: 16)
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'unsafe-inline'; script-src 'nonce-\(nonce)'; img-src 'self' data:; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html(token: token, nonce: nonce))))
    }

    struct State: Encodable {
        var services: [ServiceInfo]
        var locks: [LockInfo]
        var agents: [AgentInfo]
        var sessions: [SessionInfo]
        var salvage: [SalvageInfo]
        var messages: [ChannelMessageInfo]
        var activity: [ActivityInfo]
        var stacks: [StackView]
        var runs: [RunView]
        /// Fleets, wallets, pending kills and the panic switch.
        var fleet: FleetView
        /// Whether the page proved it has the user's token (stack and run output, their controls).
        var stackControl: Bool
    }

    func state(userTokenValid: Bool = false) async throws -> State {
        return State(
            services: claims.statuses().map(ServiceInfo.init),
            locks: locks.list().map { LockInfo($0.lock, waiters: $0.waiters) },
            agents: try coordination.agents(),
            sessions: NoteText.sessions(try coordination.sessions(agent: nil, includeEnded: false), visible: userTokenValid),
            salvage: NoteText.salvage(try coordination.salvage(project: nil, all: false), visible: userTokenValid),
            messages: try channels.newest(limit: 50),
            activity: try activity.list(since: nil, type: nil, limit: 50),
            stacks: await stackViews(withTails: userTokenValid), runs: await runViews(withTails: userTokenValid),
            fleet: await fleetView(), stackControl: userTokenValid)
    }
}
