import GRDB
import PortDaddyAPI

/// A supervised process as recorded on disk: enough to recognise it (PID + start time + session) after a crash.
public struct RecordedProcess: Sendable, Equatable {
    /// What supervises it: `stack` (a stack's service) or `run` (an agent run).
    public var kind: Kind
    /// The service's identity, or the run's id.
    public var key: String
    /// The stack key, or the run's agent id.
    public var owner: String
    public var pid: Int32
    public var pidStart: UInt64
    public var session: Int32
    public var startedAt: Int64

    /// The supervisors that record processes.
    public enum Kind: String, Sendable {
        case stack, run
    }

    public init(kind: Kind, key: String, owner: String, pid: Int32, pidStart: UInt64, session: Int32, startedAt: Int64) {
        self.kind = kind
        self.key = key
        self.owner = owner
        self.pid = pid
        self.pidStart = pidStart
        self.session = session
        self.startedAt = startedAt
    }
}

/// Durable record of the processes the daemon supervises, so the next start of a killed daemon finds its orphans.
public protocol SupervisedProcessStore: Sendable {
    func recordProcess(_ process: RecordedProcess) throws(PortDaddyError)
    func forgetProcess(kind: RecordedProcess.Kind, key: String, pid: Int32) throws(PortDaddyError)
    func recordedProcesses(kind: RecordedProcess.Kind) throws(PortDaddyError) -> [RecordedProcess]
}

extension SQLiteStore: SupervisedProcessStore {
    public func recordProcess(_ process: RecordedProcess) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO supervised_processes (kind, key, owner, pid, pid_start, session, started_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    process.kind.rawValue, process.key, process.owner, Int64(process.pid), Int64(bitPattern: process.pidStart),
                    Int64(process.session), process.startedAt,
                ])
        }
    }

    public func forgetProcess(kind: RecordedProcess.Kind, key: String, pid: Int32) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: "DELETE FROM supervised_processes WHERE kind = ? AND key = ? AND pid = ?", arguments: [kind.rawValue, key, Int64(pid)])
        }
    }

    public func recordedProcesses(kind: RecordedProcess.Kind) throws(PortDaddyError) -> [RecordedProcess] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM supervised_processes WHERE kind = ?", arguments: [kind.rawValue]).map { row in
                RecordedProcess(
                    kind: kind, key: row["key"], owner: row["owner"], pid: Int32(truncatingIfNeeded: row["pid"] as Int64),
                    pidStart: UInt64(bitPattern: row["pid_start"] as Int64), session: Int32(truncatingIfNeeded: row["session"] as Int64),
                    startedAt: row["started_at"])
            }
        }
    }
}
