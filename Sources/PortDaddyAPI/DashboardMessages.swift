/// `POST /dashboard/inbox` body: a message from the page to an agent.
public struct DashboardInboxRequest: Codable, Sendable, Equatable {
    public var to: String
    public var message: String
    public init(to: String, message: String) {
        self.to = to
        self.message = message
    }
}

/// `POST /dashboard/grant` response: a one-time code that `pd dashboard` opens the page with.
public struct DashboardGrant: Codable, Sendable, Equatable {
    public var code: String
    public var expiresInSeconds: Int
    public init(code: String, expiresInSeconds: Int) {
        self.code = code
        self.expiresInSeconds = expiresInSeconds
    }
}

/// `POST /dashboard/redeem` body: the one-time code.
public struct DashboardRedeemRequest: Codable, Sendable, Equatable {
    public var code: String
    public init(code: String) { self.code = code }
}

/// `POST /dashboard/redeem` response: the tab's session key (sent as `X-PD-Token`).
public struct DashboardSession: Codable, Sendable, Equatable {
    public var session: String
    public init(session: String) { self.session = session }
}

/// `POST /dashboard/stacks/stop|restart` body: one service of one stack.
public struct DashboardServiceTarget: Codable, Sendable, Equatable {
    public var stack: String
    public var service: String
    public init(stack: String, service: String) {
        self.stack = stack
        self.service = service
    }
}

/// `POST /dashboard/runs/kill` body: the run to kill.
public struct DashboardRunTarget: Codable, Sendable, Equatable {
    public var run: String
    public init(run: String) { self.run = run }
}

/// `POST /dashboard/fleet/raise` body: the run waiting on its budget and how much to add to its project's allowance
/// for today.
public struct DashboardRaiseRequest: Codable, Sendable, Equatable {
    public var run: String
    public var usd: USDText
    public init(run: String, usd: USDText) {
        self.run = run
        self.usd = usd
    }
}
