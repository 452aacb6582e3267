import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Snapshots of claimed files: `GET /snapshots` (metadata, open-read), `GET /snapshots/{id}` (the bytes: only with
/// the user's authority, the Unix socket or `X-PD-Token`).
struct SnapshotController: RouteController {
    let store: any SnapshotStore
    let watcher: SnapshotWatcher
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.snapshots, use: list)
        routes.requiringUserAuthority(token: userToken, actions: ["/snapshots/{id}": "reading a snapshot's bytes"])
            .on(Routes.snapshot, use: content)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        let limit = min(max(query.get("limit").flatMap { Int($0) } ?? 100, 1), 1000)
        let path = query.get("path").map { String($0) }
        let session = query.get("session").map { String($0) }
        return try JSONResponse.make(SnapshotsResponse(snapshots: try store.snapshots(path: path, session: session, limit: limit)))
    }

    @Sendable func content(_ request: Request, _ context: PDRequestContext) throws -> Response {
        guard let id = Int64(context.parameter("id")) else { throw PortDaddyError.invalidRequest("a snapshot id is a number") }
        let (snapshot, data) = try watcher.content(of: id)
        return try JSONResponse.make(SnapshotContentResponse(snapshot: snapshot, content: data))
    }
}
