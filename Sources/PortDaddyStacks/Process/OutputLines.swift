import Dispatch
import Foundation
import PortDaddyCore
import PortDaddyStackConfig

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a child's pipe without a thread of its own (a dispatch read source), splits it into lines (a partial
/// line waits for its newline; an over-long one is cut at 16 KiB), and hands each line to `onLine`. Calls
/// `onEnd` once at end of file, after the last line.
public final class OutputLines: @unchecked Sendable {
    static let maxLine = 16 * 1024
    static let queue = DispatchQueue(label: "pd.stack.output")

    private let fd: Int32
    private let onLine: @Sendable (String) -> Void
    private let onEnd: @Sendable () -> Void
    private var pending: [UInt8] = []
    private var source: (any DispatchSourceRead)?

    /// Starts reading `fd` (which it closes at the end). With `dedicatedThread`, a thread of its own does blocking
    /// reads instead of a dispatch read source: agent runs read three pipes each and their descendants may hold them
    /// open past the run, and libdispatch's Linux event loop crashed (bad pointer in `_dispatch_event_loop_drain`)
    /// under load with many such sources coming and going.
    public init(
        fd: Int32, dedicatedThread: Bool = false, onLine: @escaping @Sendable (String) -> Void, onEnd: @escaping @Sendable () -> Void = {}
    ) {
        self.fd = fd
        self.onLine = onLine
        self.onEnd = onEnd
        if dedicatedThread {
            let thread = Thread { [self] in readBlocking() }
            thread.name = "pd-output-\(fd)"
            thread.stackSize = 256 * 1024
            thread.start()
            return
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: Self.queue)
        self.source = source
        source.setEventHandler { [self] in drain() }
        source.setCancelHandler { [fd] in close(fd) }
        source.resume()
    }

    private func drain() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                split(chunk[0..<n])
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            if n < 0 && errno == EINTR { continue }
            // End of file (or an error): flush the partial line and stop.
            if !pending.isEmpty { emit(pending) }
            pending = []
            source?.cancel()
            source = nil
            onEnd()
            return
        }
    }

    /// The dedicated thread's loop: blocking reads until end of file, then the last partial line, close, `onEnd`.
    private func readBlocking() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                split(chunk[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        if !pending.isEmpty { emit(pending) }
        pending = []
        close(fd)
        onEnd()
    }

    private func split(_ bytes: ArraySlice<UInt8>) {
        var start = bytes.startIndex
        for i in bytes.indices where bytes[i] == UInt8(ascii: "\n") {
            append(bytes[start..<i])
            emit(pending)
            pending = []
            start = i + 1
        }
        append(bytes[start...])
    }

    /// Adds to the partial line, cutting it into `maxLine` pieces as it grows (never inside a UTF-8 character).
    private func append(_ part: ArraySlice<UInt8>) {
        pending += part
        while pending.count >= Self.maxLine {
            var cut = Self.maxLine
            while cut > Self.maxLine - 4 && (pending[cut] & 0xC0) == 0x80 { cut -= 1 }
            emit(Array(pending[..<cut]))
            pending.removeFirst(cut)
        }
    }

    private func emit(_ line: [UInt8]) {
        var bytes = line
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        onLine(String(decoding: bytes, as: UTF8.self))
    }
}
