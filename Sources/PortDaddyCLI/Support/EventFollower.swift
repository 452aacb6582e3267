import Foundation
import PortDaddyAPI
import PortDaddyClient
import PortDaddySystem

/// What a follower did with one server-sent event.
enum FollowStep {
    /// Not an event it follows.
    case skip
    /// Handled; resume after this id on reconnect.
    case seen(Int64)
    /// Handled, and that was the last one wanted.
    case stop(Int64)
}

/// Follows a server-sent-event stream (`pd sub`, `pd watch`, `pd activity --follow`): resumes after the last id
/// it saw when the connection drops, and reconnects without starting a daemon, so after `pd stop` it waits for
/// one to come back. A daemon error ends it; with `failFast`, so does a dropped connection.
func followEvents(_ global: GlobalOptions, path: String, after start: Int64?, failFast: Bool = false, _ handle: (SSEEvent) -> FollowStep) throws {
    let first = try global.client()
    let reconnecting = try global.passiveClient()
    var cursor = start
    var attempt = 0
    while true {
        var finished = false
        do {
            try (attempt == 0 ? first : reconnecting).events(path, after: cursor) { event in
                switch handle(event) {
                case .skip: return true
                case .seen(let id):
                    cursor = id
                    return true
                case .stop(let id):
                    cursor = id
                    finished = true
                    return false
                }
            }
        } catch .daemon(let status, let body) {
            throw CLIError(ClientError.daemon(status: status, body: body))
        } catch {
            if failFast { throw CLIError(error) }
            Output.warn("\(error.description); reconnecting" + (cursor.map { " after \($0)" } ?? ""))
        }
        if finished { return }
        attempt += 1
        usleep(500_000)
    }
}

/// Opens a URL with the desktop's opener (`xdg-open`, `open` on macOS), run directly, never through a shell.
func openInBrowser(_ url: String) throws {
    #if os(macOS)
        let opener = "open"
    #else
        let opener = "xdg-open"
    #endif
    let result: CapturedRun
    do { result = try CapturedRun.run(opener, [url], environment: ProcessInfo.processInfo.environment) } catch {
        throw CLIError("cannot open a browser (\(error.description)); the URL is \(url)")
    }
    guard result.status == 0 else { throw CLIError("the opener exited \(result.status); the URL is \(url)") }
}
