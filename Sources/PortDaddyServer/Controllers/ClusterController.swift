import Hummingbird
import PortDaddyAPI
import PortDaddyCluster
import PortDaddyCore

/// Cluster mode: `GET /cluster` (this node, PostgreSQL and every node's lease) and `GET /cluster/ports` (every
/// node's published claims), open-read, and `DELETE /cluster/nodes/{name}` (trusted: it changes every node's view).
/// All are `404 NOT_FOUND` on a daemon that runs alone.
struct ClusterController: RouteController {
    let cluster: Cluster?
    let userToken: String

    var routes: RouteCollection<PDRequestContext> {
        let routes = RouteCollection(context: PDRequestContext.self)
        routes.on(Routes.cluster, use: status)
        routes.on(Routes.clusterPorts, use: ports)
        let guarded = routes.requiringUserAuthority(
            token: userToken, actions: ["/cluster/nodes/{name}": "removing a node from the cluster's list"])
        guarded.on(Routes.forgetClusterNode, use: forget)
        return routes
    }

    @Sendable func forget(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try joined().nodes.forget(context.parameter("name")))
    }

    func joined() throws(PortDaddyError) -> Cluster {
        guard let cluster else {
            throw .notFound("this daemon is not in a cluster; start it with pd daemon --cluster postgres://user@host/db")
        }
        return cluster
    }

    @Sendable func status(_ request: Request, _ context: PDRequestContext) throws -> Response {
        try JSONResponse.make(try joined().status())
    }

    @Sendable func ports(_ request: Request, _ context: PDRequestContext) throws -> Response {
        let cluster = try joined()
        var pattern: IdentityPattern?
        if let raw = request.uri.queryParameters.get("pattern"), !raw.isEmpty {
            do { pattern = try IdentityPattern(parsing: raw) } catch { throw PortDaddyError.invalidIdentity(error.description) }
        }
        return try JSONResponse.make(ClusterPortsResponse(ports: try cluster.publishedPorts(matching: pattern)))
    }
}
