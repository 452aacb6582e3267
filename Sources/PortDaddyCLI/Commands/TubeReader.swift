import PortDaddyAPI
import PortDaddyClient

/// How `pd tube` reads: on the consumer's durable cursor, advanced by compare-and-set so competing readers of one
/// consumer print each message once, or (`--no-history`) without touching it.
struct TubeReader {
    let client: PortDaddyClient
    let channel: String
    let consumer: String
    /// Seconds one long-poll waits before asking again.
    static let pollSeconds = 30.0

    /// Reads after the cursor (or after `since`); prints a message only after moving the cursor past it.
    func onCursor(since: Int64?, once: Bool, tail: Bool, limit: Int, _ show: (ChannelMessageInfo) -> Void) throws {
        var start = since
        var printed = 0
        while true {
            let cursor = try attempt { try client.cursor(consumer, channel: channel) }.lastID
            let after = start ?? cursor
            let pending =
                once
                ? try attempt { try client.history(channel, after: after, limit: 1) }.messages
                : try attempt { try client.poll(channel, after: after, timeout: Self.pollSeconds) }.messages
            guard let message = pending.first else {
                if once { return }
                continue
            }
            // A message at or below the cursor (only with --since) is printed without moving the cursor back.
            if message.id > cursor {
                do throws(ClientError) {
                    _ = try client.advanceCursor(consumer, CursorAdvanceRequest(channel: channel, from: cursor, to: message.id))
                } catch {
                    guard error.code == ErrorCode.cursorMoved.rawValue else { throw CLIError(error) }
                    // Another reader of this consumer took it: read on from the cursor (or past it, with --since).
                    if start != nil { start = message.id }
                    continue
                }
            }
            if start != nil { start = message.id }
            show(message)
            printed += 1
            if !tail && !once { return }
            if once && printed >= limit { return }
        }
    }

    /// Reads without the cursor: blocking starts at the newest message, `--once` prints the last `limit`.
    func withoutCursor(once: Bool, tail: Bool, limit: Int, _ show: (ChannelMessageInfo) -> Void) throws {
        if once {
            for message in try newest(limit) { show(message) }
            return
        }
        var after = try attempt { try client.history(channel, after: 0, limit: 1000) }.messages.last?.id ?? 0
        while true {
            let messages = try attempt { try client.poll(channel, after: after, timeout: Self.pollSeconds) }.messages
            for message in messages {
                show(message)
                after = message.id
                if !tail { return }
            }
        }
    }

    /// The newest `limit` retained messages of the channel, oldest first.
    func newest(_ limit: Int) throws -> [ChannelMessageInfo] {
        var after: Int64 = 0
        var kept: [ChannelMessageInfo] = []
        while true {
            let page = try attempt { try client.history(channel, after: after, limit: 1000) }.messages
            kept = Array((kept + page).suffix(limit))
            guard page.count == 1000, let last = page.last else { return kept }
            after = last.id
        }
    }
}
