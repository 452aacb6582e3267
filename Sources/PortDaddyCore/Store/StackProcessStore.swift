import GRDB
import PortDaddyAPI

/// A supervised process as recorded on disk: enough to recognise it (PID + start time + session) after a crash.
public struct RecordedProcess: Sendable, Equatable {
    public var identity: String
    public var stack: String
    public var pid: Int32
    public var pidStart: UInt64
    public var session: Int32
    public var startedAt: Int64

    public init(identity: String, stack: String, pid: Int32, pidStart: UInt64, session: Int32, startedAt: Int64) {
        self.identity = identity
        self.stack = stack
        self.pid = pid
        self.pidStart = pidStart
        self.session = session
        self.startedAt = startedAt
    }
}

/// Durable record of the processes the daemon supervises.
public protocol StackProcessStore: Sendable {
    func recordProcess(_ process: RecordedProcess) throws(PortDaddyError)
    func forgetProcess(identity: String, pid: Int32) throws(PortDaddyError)
    func recordedProcesses() throws(PortDaddyError) -> [RecordedProcess]
}

extension SQLiteStore: StackProcessStore {
    public func recordProcess(_ process: RecordedProcess) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO stack_processes (identity, stack, pid, pid_start, session, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    process.identity, process.stack, Int64(process.pid), Int64(bitPattern: process.pidStart), Int64(process.session),
                    process.startedAt,
                ])
        }
    }

    public func forgetProcess(identity: String, pid: Int32) throws(PortDaddyError) {
        try guardedWrite { db in
            try db.execute(sql: "DELETE FROM stack_processes WHERE identity = ? AND pid = ?", arguments: [identity, Int64(pid)])
        }
    }

    public func recordedProcesses() throws(PortDaddyError) -> [RecordedProcess] {
        try guardedRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stack_processes").map { row in
                RecordedProcess(
                    identity: row["identity"], stack: row["stack"], pid: Int32(truncatingIfNeeded: row["pid"] as Int64),
                    pidStart: UInt64(bitPattern: row["pid_start"] as Int64), session: Int32(truncatingIfNeeded: row["session"] as Int64),
                    startedAt: row["started_at"])
            }
        }
    }
}
