extension OpenAPISchemas {
    /// Wire types described field by field (beyond `ErrorBody`): the claim and channel messages the fuzzer exercises.
    /// A test encodes a value of each and checks it against its schema, so a new field fails until it is described.
    static var describedWireTypes: [String: JSONValue] {
        let int64 = JSONValue.object(["type": .string("integer"), "format": .string("int64")])
        let string = JSONValue.object(["type": .string("string")])
        let boolean = JSONValue.object(["type": .string("boolean")])
        let message = object(
            "A channel message as stored and delivered; id is the subscription cursor.",
            required: ["id", "channel", "message", "createdAt"],
            ["id": int64, "channel": string, "message": string, "sender": string, "signal": string, "createdAt": int64, "inReplyTo": int64])
        return [
            "ClaimRequest": object(
                "Claim a stable port for an identity.", required: ["id"],
                [
                    "id": .object(["type": .string("string"), "description": .string("project[:stack[:context]]")]),
                    "port": .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(65535)]),
                    "fallback": boolean,
                    "pid": .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(Double(PID.maximum))]),
                    "expires": .object([
                        "type": .array([.string("number"), .string("string")]),
                        "description": .string("seconds, or a duration such as 90s, 15m, 2h"),
                    ]),
                    "sticky": boolean,
                ]),
            "PublishRequest": object(
                "A message to publish on a channel.", required: ["message"],
                ["message": string, "sender": string, "signal": string, "inReplyTo": int64]),
            "ChannelMessageInfo": message,
            "ChannelHistoryResponse": object(
                "Messages after a cursor, with the cursor to pass as after next time.", required: ["messages", "cursor"],
                ["messages": .object(["type": .string("array"), "items": message]), "cursor": int64]),
            "LockInfo": object(
                "A held lock with its fencing token.", required: ["name", "owner", "token", "acquiredAt", "expiresAt", "waiters"],
                [
                    "name": string, "owner": string, "pid": .object(["type": .string("integer")]), "token": int64, "acquiredAt": int64,
                    "expiresAt": int64, "waiters": .object(["type": .string("integer")]),
                ]),
        ]
    }

    /// An object schema: its properties and the required ones (unknown fields are ignored by the daemon, so allowed).
    static func object(_ description: String, required: [String], _ properties: [String: JSONValue]) -> JSONValue {
        .object([
            "type": .string("object"), "description": .string(description), "required": .array(required.map { .string($0) }),
            "properties": .object(properties),
        ])
    }
}
