import PortDaddyAPI

/// Harbors, the tuple space and pheromones.
extension PortDaddyClient {
    public func harbors() throws(ClientError) -> HarborsResponse { try call(Routes.harbors) }
    public func createHarbor(_ request: HarborCreateRequest) throws(ClientError) -> HarborInfo { try call(Routes.createHarbor, body: request) }
    public func harbor(_ name: String) throws(ClientError) -> HarborInfo { try call(Routes.harbor, name) }
    public func enterHarbor(_ name: String) throws(ClientError) -> HarborInfo { try call(Routes.enterHarbor, name) }
    public func leaveHarbor(_ name: String) throws(ClientError) -> HarborInfo { try call(Routes.leaveHarbor, name) }
    public func destroyHarbor(_ name: String) throws(ClientError) -> HarborDestroyResponse { try call(Routes.destroyHarbor, name) }

    public func tupleOut(_ request: TupleOutRequest) throws(ClientError) -> TupleInfo { try call(Routes.tupleOut, body: request) }
    /// `rd`: reads matching tuples, waiting up to `request.wait` when none match.
    public func tupleRead(_ request: TupleQueryRequest) throws(ClientError) -> TuplesResponse { try call(Routes.tupleRead, body: request) }
    /// `in`: takes matching tuples atomically, waiting up to `request.wait` when none match.
    public func tupleTake(_ request: TupleQueryRequest) throws(ClientError) -> TuplesResponse { try call(Routes.tupleTake, body: request) }
    public func tuples(harbor: String?, limit: Int?) throws(ClientError) -> TuplesResponse {
        try call(Routes.tuples, query: [("harbor", harbor), ("limit", limit.map { String($0) })])
    }
    public func removeTuple(_ id: Int64) throws(ClientError) -> TupleRemoveResponse { try call(Routes.removeTuple, String(id)) }

    public func spray(_ request: PheromoneSprayRequest) throws(ClientError) -> PheromoneInfo { try call(Routes.spray, body: request) }
    public func sniff(kind: String, id: String, harbor: String?) throws(ClientError) -> PheromoneSniffResponse {
        try call(Routes.sniff, kind, id, query: [("harbor", harbor)])
    }
    public func pheromones(min: Double?, harbor: String?) throws(ClientError) -> PheromonesResponse {
        try call(Routes.pheromones, query: [("min", min.map { String($0) }), ("harbor", harbor)])
    }
    public func hotFiles(limit: Int?, harbor: String?) throws(ClientError) -> FileHeatResponse {
        try call(Routes.pheromoneFiles, query: [("limit", limit.map { String($0) }), ("harbor", harbor)])
    }
}
