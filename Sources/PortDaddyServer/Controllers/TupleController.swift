import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// The tuple space (open-read, open-write): `POST /tuples` (out), `POST /tuples/read` (rd), `POST /tuples/take`
/// (in), `GET /tuples` (scan), `DELETE /tuples/{id}`.
struct TupleController: RouteController {
    let tuples: TupleSpace

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.tupleOut, use: out)
        routes.on(Routes.tupleRead, use: read)
        routes.on(Routes.tupleTake, use: take)
        routes.on(Routes.tuples, use: scan)
        routes.on(Routes.removeTuple, use: remove)
        return routes
    }

    @Sendable func out(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(TupleOutRequest.self, context: context)
        return try JSONResponse.make(try tuples.out(body, writer: context.optionalAgent), status: .created)
    }

    @Sendable func read(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try await find(request, context, takes: false)
    }

    @Sendable func take(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        try await find(request, context, takes: true)
    }

    /// A waiting caller that disconnects leaves the queue; a taker gone by the time it was handed tuples writes
    /// them back, so none is lost.
    func find(_ request: Request, _ context: PDRequestContext, takes: Bool) async throws -> Response {
        let body = try await request.decodeJSON(TupleQueryRequest.self, context: context)
        let query = try TupleSpace.query(body, takes: takes, agent: context.optionalAgent)
        guard query.waitSeconds > 0 else { return try JSONResponse.make(TuplesResponse(tuples: try await tuples.find(query))) }
        let waiting = Task { try await tuples.find(query) }
        let channel = context.channel
        channel.closeFuture.whenComplete { _ in waiting.cancel() }
        let found = try await waiting.value
        if !channel.isActive {
            if takes { tuples.restore(found) }
            throw CancellationError()
        }
        return try JSONResponse.make(TuplesResponse(tuples: found))
    }

    @Sendable func scan(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        let limit = try query.get("limit").map { raw in
            guard let limit = Int(raw) else { throw PortDaddyError.invalidRequest("limit must be a number") }
            return limit
        }
        let harbor = query.get("harbor").map { "\($0)" }
        let found = try tuples.scan(harbor: harbor, limit: limit ?? 100)
        return try JSONResponse.make(TuplesResponse(tuples: found, waiting: tuples.waiting(in: try harbor.map(HarborName.validated))))
    }

    @Sendable func remove(_ request: Request, _ context: PDRequestContext) throws -> Response {
        guard let id = Int64(context.parameter("id")) else { throw PortDaddyError.invalidRequest("a tuple id is a number") }
        let removed = try tuples.remove(id, by: context.optionalAgent)
        return try JSONResponse.make(TupleRemoveResponse(id: removed.id, harbor: removed.harbor))
    }
}
