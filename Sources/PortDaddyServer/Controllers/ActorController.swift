import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore
import PortDaddyRuns

/// Actors of the running fleets: reads and mailbox writes are open, like channels (a message only queues; it wakes a
/// body only through a fleet the user started).
struct ActorController: RouteController {
    let fleets: FleetSupervisor

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.actors, use: list)
        routes.on(Routes.actor, use: show)
        routes.on(Routes.actorSend, use: send)
        routes.on(Routes.actorInbox, use: inbox)
        return routes
    }

    static func project(_ request: Request) -> String? { request.uri.queryParameters.get("project").map { String($0) } }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(ActorsResponse(actors: await fleets.actors(project: Self.project(request))))
    }

    @Sendable func show(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(try await fleets.actor(context.parameter("name"), project: Self.project(request)))
    }

    @Sendable func send(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ActorMessageRequest.self, context: context)
        return try JSONResponse.make(try await fleets.send(toActor: context.parameter("name"), body), status: .created)
    }

    @Sendable func inbox(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try JSONResponse.make(try await fleets.inbox(ofActor: context.parameter("name"), project: Self.project(request)))
    }
}
