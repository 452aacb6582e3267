import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Sessions and notes: `POST|GET /sessions`, `POST|GET /sessions/current/notes`, `POST /sessions/current/phase`,
/// `POST /sessions/current/done`; `POST /sugar/begin` and `POST /sugar/done` are the same handlers.
struct SessionController: RouteController {
    let coordination: CoordinationService
    /// The user's token: who may read note text, and whether `begin --files` claims are made with the user's authority
    /// (snapshots are taken of those only).
    let userToken: String
    /// Takes the baseline of trusted `begin --files` claims at once (the bytes at claim time).
    let snapshots: SnapshotWatcher

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        let reading = routes.group().add(middleware: UserAuthorityMiddleware(userToken: userToken))
        routes.on(Routes.begin, use: begin)
        routes.on(Routes.sugarBegin, use: begin)
        reading.on(Routes.sessions, use: list)
        routes.on(Routes.addNote, use: note)
        routes.requiringUserAuthority(token: userToken, actions: [Routes.notes.template: "reading notes"]).on(Routes.notes, use: notes)
        routes.on(Routes.phase, use: phase)
        reading.on(Routes.done, use: done)
        reading.on(Routes.sugarDone, use: done)
        return routes
    }

    @Sendable func begin(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(BeginRequest.self, context: context)
        let trusted = UserAuthority.holds(request, context, token: userToken)
        let (session, port, dead) = try coordination.begin(
            purpose: body.purpose, agent: body.agent, identity: body.identity, files: body.files ?? [],
            pid: body.pid?.value, name: body.name, trusted: trusted, fileHashes: body.fileHashes ?? [:])
        if trusted && !session.files.isEmpty { try snapshots.watch(try coordination.files().filter { $0.sessionID == session.id }) }
        return try JSONResponse.make(BeginResponse(agentID: session.agentID, session: session, port: port, deadInProject: dead), status: .created)
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let all = request.uri.queryParameters.get("all") == "true"
        let agent = request.uri.queryParameters.get("agent")
        let sessions = try coordination.sessions(agent: agent, includeEnded: all)
        return try JSONResponse.make(SessionsResponse(sessions: NoteText.sessions(sessions, for: context)))
    }

    @Sendable func note(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(NoteRequest.self, context: context)
        return try JSONResponse.make(
            try coordination.note(agent: try context.requiredAgent(), text: body.text, type: body.type ?? .note), status: .created)
    }

    @Sendable func notes(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let notes = try coordination.notes(agent: try context.requiredAgent(), all: request.uri.queryParameters.get("all") == "true")
        return try JSONResponse.make(NotesResponse(notes: notes))
    }

    @Sendable func phase(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(PhaseRequest.self, context: context)
        return try JSONResponse.make(try coordination.phase(agent: try context.requiredAgent(), body.phase))
    }

    @Sendable func done(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeOptionalJSON(DoneRequest.self, context: context) ?? DoneRequest()
        let ended = try coordination.done(agent: try context.requiredAgent(), note: body.note, abandon: body.abandon ?? false)
        return try JSONResponse.make(NoteText.session(ended, for: context))
    }
}

struct NotesResponse: Codable { var notes: [NoteInfo] }
