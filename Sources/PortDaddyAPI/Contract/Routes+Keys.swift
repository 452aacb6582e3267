extension Routes {
    // MARK: encryption at rest (the status is open-read and holds no key material; rotation is trusted)
    public static let keys = APIRoute<NoBody, EncryptionStatus>(.get, "/keys", "the state of encryption at rest: key file, problem, row counts")
    public static let rotateKeys = APIRoute<NoBody, KeyRotateResponse>(
        .post, "/keys/rotate", "a new master key; every data key re-wrapped under it (trusted)")

    static var keyRoutes: [AnyAPIRoute] { [keys.erased, rotateKeys.erased] }
}
