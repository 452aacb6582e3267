import Foundation
import Hummingbird

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
