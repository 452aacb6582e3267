import Foundation
import PortDaddyAPI
import Synchronization

@testable import PortDaddyCore

/// Ports as a test wants the OS to see them.
final class FakePorts: PortProber {
    struct State {
        var bound: Set<Int> = []
        var listening: Set<Int> = []
        var listeners: [Int: Int32] = [:]
        /// Every bind test fails with this errno (the daemon is out of descriptors).
        var failing: Int32?
    }
    let state = Mutex(State())

    func isFree(_ port: Int) -> Bool { state.withLock { !$0.bound.contains(port) && !$0.listening.contains(port) } }
    func probe(_ port: Int) -> PortProbe {
        if let code = state.withLock({ $0.failing }) { return .failed(errno: code) }
        return isFree(port) ? .free : .taken
    }
    func listeningPorts() -> Set<Int> { state.withLock { $0.listening } }
    func listenerPID(of port: Int) -> Int32? { state.withLock { $0.listeners[port] } }

    func bind(_ port: Int) { state.withLock { _ = $0.bound.insert(port) } }
    func listen(_ port: Int, pid: Int32?) {
        state.withLock {
            $0.listening.insert(port)
            $0.listeners[port] = pid
        }
    }
    func silence(_ port: Int) {
        state.withLock {
            $0.listening.remove(port)
            $0.listeners[port] = nil
        }
    }
}

/// Processes as a test wants the OS to see them: PID → start time.
final class FakeProcesses: ProcessProber {
    let running = Mutex<[Int32: UInt64]>([:])
    func startTime(of pid: Int32) -> UInt64? { running.withLock { $0[pid] } }
    func start(_ pid: Int32, at start: UInt64) { running.withLock { $0[pid] = start } }
    func exit(_ pid: Int32) { running.withLock { $0[pid] = nil } }
}

/// A clock the test moves by hand.
final class FakeClock: WallClock {
    let now = Mutex<Int64>(1_800_000_000_000)
    func nowMillis() -> Int64 { now.withLock { $0 } }
    func advance(seconds: Double) { now.withLock { $0 += Int64(seconds * 1000) } }
}

/// A claim service on a real SQLite file in a temp dir, with fake OS and clock.
struct Harness {
    let dir: String
    let ports = FakePorts()
    let processes = FakeProcesses()
    let clock = FakeClock()
    var settings = ClaimSettings(range: 3100...9999, reserved: [], graceSeconds: 120)

    init() {
        dir = NSTemporaryDirectory() + "pdcore-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func store() throws -> SQLiteStore { try SQLiteStore(path: dir + "/registry.sqlite") }

    func service() throws -> ClaimService {
        try ClaimService(store: try store(), settings: settings, ports: ports, processes: processes, clock: clock)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: dir) }
}

func id(_ raw: String) -> Identity { try! Identity(parsing: raw) }
