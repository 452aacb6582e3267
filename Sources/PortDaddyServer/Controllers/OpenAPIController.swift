import Hummingbird
import NIOCore
import PortDaddyAPI

/// `GET /openapi.json`: the OpenAPI 3.1 document of every route, built once from the same route table the
/// router registers from (``OpenAPIDocument``), so the served document always describes this binary.
struct OpenAPIController: RouteController {
    /// The rendered document, built on first use.
    static let document = ByteBuffer(string: OpenAPIDocument.render())

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.openAPI, use: document)
        return routes
    }

    @Sendable func document(_ request: Request, _ context: PDRequestContext) -> Response {
        Response(status: .ok, headers: JSONResponse.headers, body: .init(byteBuffer: Self.document))
    }
}
