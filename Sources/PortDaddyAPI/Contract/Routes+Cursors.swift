extension Routes {
    // MARK: consumer cursors
    public static let cursor = APIRoute<NoBody, CursorInfo>(
        .get, "/cursors/:consumer", query: ["channel"], "a consumer's cursor on a channel or pattern (0 when never set)")
    public static let advanceCursor = APIRoute<CursorAdvanceRequest, CursorInfo>(
        .post, "/cursors/:consumer", "move a consumer's cursor by compare-and-set (409 CURSOR_MOVED when from is stale)")

    static var cursorRoutes: [AnyAPIRoute] { [cursor.erased, advanceCursor.erased] }
}
