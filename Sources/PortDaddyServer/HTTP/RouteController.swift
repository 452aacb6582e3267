import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI

/// A controller: one seam of the wire protocol as a Hummingbird `RouteCollection` whose routes call the
/// controller's named handler methods. A handler decodes, makes one call into Core and encodes; the rules and the
/// activity records live in the Core services.
protocol RouteController: Sendable {
    /// The controller's routes.
    var routes: RouteCollection<PDRequestContext> { get }
}

extension Router<PDRequestContext> {
    /// Adds the routes of each controller.
    func add(_ controllers: any RouteController...) {
        for controller in controllers { addRoutes(controller.routes) }
    }
}

extension PDRequestContext {
    /// A path parameter (`/agents/:id`), percent-decoded; empty when absent.
    func parameter(_ key: String) -> String {
        parameters.get(key).map { $0.removingPercentEncoding ?? $0 } ?? ""
    }
}

extension RouterMethods where Context == PDRequestContext {
    /// Registers `handler` for one route of the API's table (`Routes`): its method and path come from that one
    /// declaration, which the client, the CLI and MCP build their requests from too.
    @discardableResult
    func on(
        _ route: APIRoute<some Sendable, some Sendable>,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        on(RouterPath(route.template), method: route.method.http, use: handler)
    }
}

extension APIMethod {
    /// The HTTP method of the wire contract's method.
    var http: HTTPRequest.Method {
        switch self {
        case .get: .get
        case .post: .post
        case .put: .put
        case .delete: .delete
        }
    }
}
