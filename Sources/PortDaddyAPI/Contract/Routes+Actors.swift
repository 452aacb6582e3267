extension Routes {
    // MARK: actors
    public static let actors = APIRoute<NoBody, ActorsResponse>(
        .get, "/actors", query: ["project"], "the running fleets' actors: mailbox, bodies, live body, last wake")
    public static let actor = APIRoute<NoBody, ActorInfo>(
        .get, "/actors/:name", query: ["project"], "one actor, by name or alias (case-insensitive)")
    public static let actorSend = APIRoute<ActorMessageRequest, ActorMessageAck>(
        .post, "/actors/:name/messages", "queue a message on the actor's mailbox (starts nothing by itself)")
    public static let actorInbox = APIRoute<NoBody, ActorMessagesResponse>(
        .get, "/actors/:name/messages", query: ["project"], "the messages waiting in the actor's mailbox")

    static var actorRoutes: [AnyAPIRoute] { [actors.erased, actor.erased, actorSend.erased, actorInbox.erased] }
}
