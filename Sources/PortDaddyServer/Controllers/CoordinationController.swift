import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import ServiceLifecycle

/// Agents, sessions, notes, file claims, salvage, inbox, integration signals, wait and activity.
struct CoordinationController {
    let coordination: CoordinationService
    let inbox: Inbox
    let activity: ActivityLog

    func addRoutes(to router: Router<PDRequestContext>) {
        // Agents
        router.get("/agents") { _, _ in try JSONResponse.make(AgentsResponse(agents: try coordination.agents())) }
        router.post("/agents") { request, context in
            let body = try await request.decodeJSON(AgentRegisterRequest.self, context: context)
            let (agent, dead) = try coordination.register(
                id: body.id, identity: body.identity, purpose: body.purpose, pid: body.pid?.value,
                ttlSeconds: body.ttl?.seconds)
            let notice = dead.isEmpty ? nil : "\(dead.count) dead agent(s) in \(agent.identity?.split(separator: ":").first.map(String.init) ?? "this project"); see pd salvage"
            return try JSONResponse.make(AgentRegisterResponse(agent: agent, deadInProject: dead, notice: notice), status: .created)
        }
        router.post("/agents/:id/heartbeat") { _, context in try JSONResponse.make(try coordination.heartbeat(param(context, "id"))) }
        router.delete("/agents/:id") { _, context in
            try coordination.unregister(param(context, "id"))
            return try JSONResponse.make(["unregistered": param(context, "id")])
        }
        router.get("/whoami") { request, context in
            let (agent, session) = try coordination.whoami(try agent(context))
            return try JSONResponse.make(WhoamiResponse(agentID: try agentID(context), agent: agent, session: session))
        }

        // Sessions and notes
        router.post("/sessions") { request, context in
            let body = try await request.decodeJSON(BeginRequest.self, context: context)
            let (session, port, dead) = try coordination.begin(
                purpose: body.purpose, agent: body.agent, identity: body.identity, files: body.files ?? [],
                pid: body.pid?.value)
            return try JSONResponse.make(BeginResponse(agentID: session.agentID, session: session, port: port, deadInProject: dead), status: .created)
        }
        router.get("/sessions") { request, _ in
            let all = request.uri.queryParameters.get("all") == "true"
            let agent = request.uri.queryParameters.get("agent")
            return try JSONResponse.make(SessionsResponse(sessions: try coordination.sessions(agent: agent, includeEnded: all)))
        }
        router.post("/sessions/current/notes") { request, context in
            let body = try await request.decodeJSON(NoteRequest.self, context: context)
            return try JSONResponse.make(try coordination.note(agent: try agent(context), text: body.text, type: body.type ?? .note), status: .created)
        }
        router.get("/sessions/current/notes") { request, context in
            let notes = try coordination.notes(agent: try agent(context), all: request.uri.queryParameters.get("all") == "true")
            return try JSONResponse.make(NotesResponse(notes: notes))
        }
        router.post("/sessions/current/phase") { request, context in
            let body = try await request.decodeJSON(PhaseRequest.self, context: context)
            return try JSONResponse.make(try coordination.phase(agent: try agent(context), body.phase))
        }
        router.post("/sessions/current/done") { request, context in
            let body = try await request.decodeOptionalJSON(DoneRequest.self, context: context) ?? DoneRequest()
            return try JSONResponse.make(try coordination.done(agent: try agent(context), note: body.note, abandon: body.abandon ?? false))
        }

        // Files
        router.get("/files") { _, _ in try JSONResponse.make(FileClaimsResponse(claims: try coordination.files())) }
        router.post("/files/claim") { request, context in
            let body = try await request.decodeJSON(FileClaimRequest.self, context: context)
            let claims = try coordination.claimFiles(agent: try agent(context), paths: body.paths, force: body.force ?? false)
            return try JSONResponse.make(FileClaimsResponse(claims: claims), status: .created)
        }
        router.delete("/files/claim") { request, context in
            let body = try await request.decodeJSON(FileClaimRequest.self, context: context)
            try coordination.releaseFiles(agent: try agent(context), paths: body.paths)
            return try JSONResponse.make(FileClaimsResponse(claims: []))
        }
        router.get("/files/owner") { request, _ in
            guard let path = request.uri.queryParameters.get("path") else { throw PortDaddyError.invalidRequest("give ?path=") }
            return try JSONResponse.make(FileClaimsResponse(claims: try coordination.whoOwns("\(path)").map { [$0] } ?? []))
        }
        router.post("/files/check") { request, context in
            let body = try await request.decodeJSON(FileCheckRequest.self, context: context)
            return try JSONResponse.make(FileCheckResponse(conflicts: try coordination.conflicts(agent: try? agent(context), paths: body.paths)))
        }

        // Salvage
        router.get("/salvage") { request, _ in
            let project = request.uri.queryParameters.get("project").map { "\($0)" }
            let all = request.uri.queryParameters.get("all") == "true"
            return try JSONResponse.make(SalvageResponse(salvage: try coordination.salvage(project: project, all: all)))
        }
        router.post("/salvage/:agent/claim") { request, context in
            try JSONResponse.make(try coordination.claimSalvage(of: param(context, "agent"), by: try agent(context)))
        }
        for (verb, state) in [("complete", "completed"), ("dismiss", "dismissed")] {
            router.post(RouterPath("/salvage/:agent/" + verb)) { request, context in
                try coordination.resolveSalvage(of: param(context, "agent"), by: try? agent(context), state: state)
                return try JSONResponse.make(SalvageResponse(salvage: try coordination.salvage(project: nil, all: true).filter { $0.agentID == param(context, "agent").lowercased() }))
            }
        }

        // Inbox
        router.post("/inbox/:agent") { request, context in
            let body = try await request.decodeJSON(PublishRequest.self, context: context)
            let sender = body.sender ?? (try? agent(context))
            return try JSONResponse.make(try inbox.send(to: param(context, "agent"), text: body.message, sender: sender), status: .created)
        }
        router.get("/inbox") { request, context in
            let me = try agent(context)
            let (messages, readUpTo) = try inbox.list(agent: me, unreadOnly: request.uri.queryParameters.get("unread") == "true")
            return try JSONResponse.make(InboxResponse(agentID: me, messages: messages, readUpTo: readUpTo))
        }
        router.post("/inbox/read-all") { request, context in try JSONResponse.make(["marked": try inbox.readAll(agent: try agent(context))]) }
        router.delete("/inbox") { request, context in try JSONResponse.make(["removed": try inbox.clear(agent: try agent(context))]) }

        // Integration signals and wait
        router.get("/integration") { _, _ in
            try JSONResponse.make(IntegrationResponse(signals: try coordination.integrations().map(IntegrationSignal.init)))
        }
        for kind in ["ready", "needs"] {
            router.post(RouterPath("/integration/" + kind)) { request, context in
                let body = try await request.decodeJSON(IntegrationRequest.self, context: context)
                let record = try coordination.signal(identity: body.identity, kind: kind, detail: body.detail, agent: try? agent(context))
                return try JSONResponse.make(IntegrationSignal(record), status: .created)
            }
        }
        router.get("/wait") { request, _ in try await wait(request) }

        // Activity
        router.get("/activity/subscribe") { request, _ in try followActivity(request) }
        router.get("/activity/poll") { request, _ in
            let after = request.uri.queryParameters.get("after").flatMap { Int64($0) } ?? 0
            let type = request.uri.queryParameters.get("type").map { "\($0)" }
            let timeout = min(max(request.uri.queryParameters.get("timeout").flatMap { Double($0) } ?? 30, 0), 120)
            let deadline = Date().addingTimeInterval(timeout)
            var records = try activity.list(afterID: after, type: type, limit: 500)
            while records.isEmpty && Date() < deadline && !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(250))
                records = try activity.list(afterID: after, type: type, limit: 500)
            }
            return try JSONResponse.make(ActivityResponse(activity: records))
        }
        router.get("/activity") { request, context in
            let since = request.uri.queryParameters.get("since").flatMap { Int64($0) }
            let type = request.uri.queryParameters.get("type").map { "\($0)" }
            let limit = min(max(request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 200, 1), 5000)
            return try JSONResponse.make(ActivityResponse(activity: try activity.list(since: since, type: type, limit: limit)))
        }
    }

    func param(_ context: PDRequestContext, _ key: String) -> String {
        context.parameters.get(key).map { $0.removingPercentEncoding ?? $0 } ?? ""
    }

    /// The caller's agent, as the agent middleware read it from the request.
    func agentID(_ context: PDRequestContext) throws -> String {
        guard let raw = context.agent, !raw.isEmpty else {
            throw PortDaddyError.invalidAgent("no agent: set PD_AGENT_ID (pd begin prints it) or send the \(AgentHeader.name) header")
        }
        return raw
    }

    func agent(_ context: PDRequestContext) throws -> String { try CoordinationService.agentID(try agentID(context)) }

    /// Server-sent events of new activity records after `Last-Event-ID` / `?after=` (records are written in
    /// batches every 250 ms, so they are streamed at that cadence).
    func followActivity(_ request: Request) throws -> Response {
        var cursor: Int64 = 0
        if let value = try SSE.cursor(request, naming: "an activity id") {
            // A cursor beyond the newest record (another data dir, a reset store) would hide everything: clamp it.
            cursor = min(value, try activity.list(since: nil, type: nil, limit: 1).last?.id ?? 0)
        } else {
            cursor = try activity.list(since: nil, type: nil, limit: 1).last?.id ?? 0
        }
        let type = request.uri.queryParameters.get("type").map { "\($0)" }
        let log = activity
        let start = cursor
        return Response(
            status: .ok, headers: SSE.headers,
            body: ResponseBody { writer in
                var cursor = start
                var idle = 0
                try await writer.write(ByteBuffer(string: "retry: 1000\n: activity\n\n"))
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    let records = try log.list(afterID: cursor, type: type, limit: 500)
                    for record in records {
                        let data = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
                        try await writer.write(ByteBuffer(string: "id: \(record.id)\nevent: activity\ndata: \(data)\n\n"))
                        cursor = record.id
                    }
                    idle = records.isEmpty ? idle + 1 : 0
                    if idle >= 60 {
                        try await writer.write(ByteBuffer(string: ": ping\n\n"))
                        idle = 0
                    }
                    try? await Task.sleep(for: .milliseconds(250))
                }
                try await writer.finish(nil)
            })
    }

    /// Blocks until every identity is signalled ready or listening, or the timeout passes.
    func wait(_ request: Request) async throws -> Response {
        let raw = request.uri.queryParameters.get("ids").map { "\($0)" } ?? ""
        var identities: [Identity] = []
        for part in raw.split(separator: ",") {
            do { identities.append(try Identity(parsing: "\(part)")) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        }
        guard !identities.isEmpty else { throw PortDaddyError.invalidRequest("give ?ids=a,b") }
        let timeout = min(max(request.uri.queryParameters.get("timeout").flatMap { Double($0) } ?? 60, 0), 3600)
        let deadline = Date().addingTimeInterval(timeout)
        var pending = identities
        while true {
            pending = try pending.filter { try !coordination.isReady($0) }
            if pending.isEmpty || Date() >= deadline || Task.isCancelled { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try JSONResponse.make(WaitResponse(ready: pending.isEmpty, pending: pending.map { $0.description }))
    }
}
