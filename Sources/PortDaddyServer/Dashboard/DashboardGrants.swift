import Foundation
import Synchronization

/// Lets a browser tab act with the user's authority without the user's token ever appearing in a URL or on a
/// command line: `pd dashboard` (over the Unix socket) gets a one-time code that expires in a minute, opens the
/// page with it in the fragment, and the page trades it for a session key kept in that tab only. Session keys
/// live in memory: a daemon restart ends them (run `pd dashboard` again).
final class DashboardGrants: Sendable {
    static let codeLifetimeMillis: Int64 = 60_000
    static let sessionLifetimeMillis: Int64 = 12 * 3_600_000
    static let maxSessions = 64

    struct State {
        var codes: [String: Int64] = [:]
        /// Session keys with their expiry, oldest first.
        var sessions: [(key: String, expires: Int64)] = []
    }

    private let state = Mutex(State())

    /// A new one-time code.
    func issueCode(now: Int64) -> String {
        let code = UserAuthority.randomHex(bytes: 16)
        state.withLock { st in
            st.codes = st.codes.filter { $0.value > now }
            st.codes[code] = now + Self.codeLifetimeMillis
        }
        return code
    }

    /// Trades a valid, unexpired, unused code for a session key.
    func redeem(_ code: String, now: Int64) -> String? {
        state.withLock { st in
            guard let expires = st.codes.removeValue(forKey: code), expires > now else { return nil }
            let session = UserAuthority.randomHex(bytes: 32)
            st.sessions = st.sessions.filter { $0.expires > now }
            st.sessions.append((session, now + Self.sessionLifetimeMillis))
            if st.sessions.count > Self.maxSessions { st.sessions.removeFirst(st.sessions.count - Self.maxSessions) }
            return session
        }
    }

    /// Whether `key` is a live session key (compared in constant time against each).
    func isSession(_ key: String, now: Int64) -> Bool {
        state.withLock { st in
            var found = false
            for session in st.sessions where session.expires > now {
                if UserAuthority.constantTimeEqual(session.key, key) { found = true }
            }
            return found
        }
    }
}
