import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// File claims: `GET /files`, `POST|DELETE /files/claim`, `GET /files/owner?path=`, `POST /files/check`.
struct FileController: RouteController {
    let coordination: CoordinationService

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.files, use: list)
        routes.on(Routes.claimFiles, use: claim)
        routes.on(Routes.releaseFiles, use: release)
        routes.on(Routes.fileOwner, use: owner)
        routes.on(Routes.checkFiles, use: check)
        return routes
    }

    @Sendable func list(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(FileClaimsResponse(claims: try coordination.files()))
    }

    @Sendable func claim(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(FileClaimRequest.self, context: context)
        let claims = try coordination.claimFiles(agent: try context.requiredAgent(), paths: body.paths, force: body.force ?? false)
        return try JSONResponse.make(FileClaimsResponse(claims: claims), status: .created)
    }

    @Sendable func release(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(FileClaimRequest.self, context: context)
        try coordination.releaseFiles(agent: try context.requiredAgent(), paths: body.paths)
        return try JSONResponse.make(FileClaimsResponse(claims: []))
    }

    @Sendable func owner(_ request: Request, _ context: PDRequestContext) throws -> Response {
        guard let path = request.uri.queryParameters.get("path") else { throw PortDaddyError.invalidRequest("give ?path=") }
        return try JSONResponse.make(FileClaimsResponse(claims: try coordination.whoOwns("\(path)").map { [$0] } ?? []))
    }

    @Sendable func check(_ request: Request, _ context: PDRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(FileCheckRequest.self, context: context)
        return try JSONResponse.make(FileCheckResponse(conflicts: try coordination.conflicts(agent: try? context.requiredAgent(), paths: body.paths)))
    }
}
