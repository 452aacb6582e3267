import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Pheromones (open-read, open-write): `POST /pheromones` (spray), `GET /pheromones/{kind}/{id}` (sniff),
/// `GET /pheromones?min` (list), `GET /pheromones/files` (and the seed's `/pheromone/files`): the hottest files.
struct PheromoneController: RouteController {
    let pheromones: PheromoneService
    let coordination: CoordinationService

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.spray, use: spray)
        routes.on(Routes.pheromoneFiles, use: files)
        routes.on(Routes.pheromoneFilesAlias, use: files)
        routes.on(Routes.sniff, use: sniff)
        routes.on(Routes.pheromones, use: list)
        return routes
    }

    @Sendable func spray(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(PheromoneSprayRequest.self, context: context)
        return try JSONResponse.make(try pheromones.spray(body, by: context.optionalAgent), status: .created)
    }

    @Sendable func sniff(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let harbor = request.uri.queryParameters.get("harbor").map { "\($0)" }
        return try JSONResponse.make(try pheromones.sniff(kind: context.parameter("kind"), id: context.parameter("id"), harbor: harbor))
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        let min = try query.get("min").map { raw in
            guard let value = Double(raw), value.isFinite, value >= 0 else { throw PortDaddyError.invalidRequest("min must be a number ≥ 0") }
            return value
        }
        let list = try pheromones.list(min: min ?? 0.01, harbor: query.get("harbor").map { "\($0)" })
        return try JSONResponse.make(PheromonesResponse(pheromones: list))
    }

    @Sendable func files(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        let limit = try query.get("limit").map { raw in
            guard let limit = Int(raw), (1...1000).contains(limit) else { throw PortDaddyError.invalidRequest("limit must be 1 to 1000") }
            return limit
        }
        let files = try pheromones.hottestFiles(limit: limit ?? 20, harbor: query.get("harbor").map { "\($0)" }, claims: try coordination.files())
        return try JSONResponse.make(FileHeatResponse(files: files))
    }
}
