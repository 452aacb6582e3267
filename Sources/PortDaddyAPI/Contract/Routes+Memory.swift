extension Routes {
    // MARK: harbors
    public static let harbors = APIRoute<NoBody, HarborsResponse>(.get, "/harbors", "harbors: declared ones and any with tuples")
    public static let createHarbor = APIRoute<HarborCreateRequest, HarborInfo>(.post, "/harbors", "create a harbor (closed, ephemeral, ttl)")
    public static let harbor = APIRoute<NoBody, HarborInfo>(.get, "/harbors/:name", "one harbor with its members")
    public static let enterHarbor = APIRoute<NoBody, HarborInfo>(.post, "/harbors/:name/enter", "the calling agent enters a harbor")
    public static let leaveHarbor = APIRoute<NoBody, HarborInfo>(.post, "/harbors/:name/leave", "the calling agent leaves a harbor")
    public static let destroyHarbor = APIRoute<NoBody, HarborDestroyResponse>(
        .delete, "/harbors/:name", "destroy a harbor with its tuples and pheromones")

    // MARK: tuple space
    public static let tupleOut = APIRoute<TupleOutRequest, TupleInfo>(.post, "/tuples", "write a tuple (out)")
    public static let tupleRead = APIRoute<TupleQueryRequest, TuplesResponse>(.post, "/tuples/read", "read matching tuples (rd), optionally waiting")
    public static let tupleTake = APIRoute<TupleQueryRequest, TuplesResponse>(
        .post, "/tuples/take", "take matching tuples atomically (in), optionally waiting")
    public static let tuples = APIRoute<NoBody, TuplesResponse>(.get, "/tuples", query: ["harbor", "limit"], "a harbor's live tuples (scan)")
    public static let removeTuple = APIRoute<NoBody, TupleRemoveResponse>(.delete, "/tuples/:id", "remove a tuple by id")

    // MARK: pheromones
    public static let spray = APIRoute<PheromoneSprayRequest, PheromoneInfo>(.post, "/pheromones", "spray a pheromone (add, set or max)")
    public static let pheromoneFiles = APIRoute<NoBody, FileHeatResponse>(
        .get, "/pheromones/files", query: ["limit", "harbor"], "the hottest files with their holders")
    public static let pheromoneFilesAlias = APIRoute<NoBody, FileHeatResponse>(
        .get, "/pheromone/files", query: ["limit", "harbor"], "the seed's name of /pheromones/files")
    public static let sniff = APIRoute<NoBody, PheromoneSniffResponse>(
        .get, "/pheromones/:kind/:id", query: ["harbor"], "every key on one thing, decayed to now")
    public static let pheromones = APIRoute<NoBody, PheromonesResponse>(
        .get, "/pheromones", query: ["min", "harbor"], "pheromones at least min strong, strongest first")

    static var memoryRoutes: [AnyAPIRoute] {
        [
            harbors.erased, createHarbor.erased, harbor.erased, enterHarbor.erased, leaveHarbor.erased, destroyHarbor.erased,
            tupleOut.erased, tupleRead.erased, tupleTake.erased, tuples.erased, removeTuple.erased,
            spray.erased, pheromoneFiles.erased, pheromoneFilesAlias.erased, sniff.erased, pheromones.erased,
        ]
    }
}
