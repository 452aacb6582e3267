import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// `/graph`: the coordination graph, open to read like locks and channels (who works on what, never a note's text).
struct GraphController: RouteController {
    let graph: CoordinationGraph

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.graph, use: edges)
        routes.on(Routes.graphStats, use: stats)
        return routes
    }

    @Sendable func edges(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        let node = try query.get("node").map { raw throws(PortDaddyError) in try CoordinationGraph.node(String(raw)) }
        let kind = try query.get("kind").map { raw throws(PortDaddyError) in try CoordinationGraph.kind(String(raw)) }
        var depth = 1
        if let raw = query.get("depth") {
            guard let n = Int(raw) else {
                throw PortDaddyError.invalidRequest("depth \(raw) is not a number from 1 to \(CoordinationGraph.maxDepth)")
            }
            depth = n
        }
        return try JSONResponse.make(try graph.edges(around: node, kind: kind, depth: depth))
    }

    @Sendable func stats(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try graph.stats(project: request.uri.queryParameters.get("project").map { String($0) }))
    }
}
