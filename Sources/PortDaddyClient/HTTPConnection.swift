import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small blocking HTTP/1.1 client connection over a Unix socket or TCP, with keep-alive.
///
/// The CLI makes one request per process; an event loop would cost more to start than the request itself.
public final class HTTPConnection {
    public let endpoint: DaemonEndpoint
    private var fd: Int32 = -1 {
        didSet { interruption.current.withLock { $0 = fd } }
    }
    private var buffer: [UInt8] = []
    /// Lets another thread end a blocking call on this connection (an MCP request the client cancelled).
    public let interruption = Interruption()

    /// Shuts the socket of a connection down from another thread: its blocked read or write returns at once
    /// (the descriptor stays open until the owner closes it, so it can never be reused under the owner's feet).
    /// Once interrupted, the connection stays unusable: it refuses to connect again (a retry must not re-send
    /// what was cancelled).
    public final class Interruption: Sendable {
        let current = Mutex<Int32>(-1)
        let interrupted = Atomic<Bool>(false)

        public func interrupt() {
            interrupted.store(true, ordering: .sequentiallyConsistent)
            current.withLock { fd in
                if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
            }
        }

        public var isInterrupted: Bool { interrupted.load(ordering: .sequentiallyConsistent) }
    }

    /// A response: status code and body bytes.
    public struct Response {
        public var status: Int
        public var body: [UInt8]
    }

    public init(endpoint: DaemonEndpoint) {
        self.endpoint = endpoint
    }

    deinit { close() }

    /// Opens the connection; throws `.unreachable` with the OS's reason.
    public func connect() throws(ClientError) {
        guard fd < 0 else { return }
        guard !interruption.isInterrupted else { throw .unreachable(endpoint: endpoint.description, reason: "the call was cancelled") }
        switch endpoint {
        case .unix(let path):
            fd = try Self.connectUnix(path)
        case .tcp(let host, let port):
            fd = try Self.connectTCP(host: host, port: port)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        if fd >= 0 {
            // Forget the descriptor first (under the interruption lock), then close it.
            let old = fd
            fd = -1
            _ = systemClose(old)
        }
    }

    /// Sends one request and reads the whole response. Reconnects once if a kept-alive connection was closed.
    public func send(method: String, path: String, body: [UInt8]? = nil, headers: [(String, String)] = []) throws(ClientError) -> Response {
        let fresh = fd < 0
        try connect()
        do {
            return try exchange(method: method, path: path, body: body, headers: headers)
        } catch {
            close()
            guard !fresh, case .unreachable = error else { throw error }
            try connect()
            return try exchange(method: method, path: path, body: body, headers: headers)
        }
    }

    private func exchange(method: String, path: String, body: [UInt8]?, headers: [(String, String)]) throws(ClientError) -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if let body { bytes += body }
        try writeAll(bytes)
        return try readResponse()
    }

    private func writeAll(_ bytes: [UInt8]) throws(ClientError) {
        try Self.writeAll(bytes, to: fd, endpoint: endpoint.description)
    }

    /// Writes every byte to a connected socket (retrying short writes and EINTR, never raising SIGPIPE).
    static func writeAll(_ bytes: [UInt8], to fd: Int32, endpoint: String) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                #if canImport(Glibc)
                    Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                    Darwin.send(fd, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreachable(endpoint: endpoint, reason: Self.errorText())
            }
            offset += n
        }
    }

    private func fill() throws(ClientError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            throw .unreachable(endpoint: endpoint.description, reason: Self.errorText())
        }
    }

    /// Sends a request and streams the answer: `onData` receives each piece of a 2xx body as it arrives and
    /// returns false to stop. A non-2xx answer is read whole and returned; a streamed one returns an empty body.
    public func stream(method: String, path: String, headers: [(String, String)] = [], onData: ([UInt8]) -> Bool) throws(ClientError) -> Response {
        try connect()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try writeAll(Array((head + "\r\n").utf8))
        let (status, length, chunked, _) = try readHead()
        guard (200..<300).contains(status) else {
            let body = try readBody(length: length, chunked: chunked)
            close()
            return Response(status: status, body: body)
        }
        defer { close() }
        if chunked {
            while true {
                var lineEnd = Self.find([13, 10], in: buffer)
                while lineEnd == nil {
                    guard try fill() else { return Response(status: status, body: []) }
                    lineEnd = Self.find([13, 10], in: buffer)
                }
                let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingWhitespace(), radix: 16) else { throw .protocolError("bad chunk size") }
                buffer.removeFirst(lineEnd! + 2)
                if size == 0 { return Response(status: status, body: []) }
                while buffer.count < size + 2 {
                    guard try fill() else { return Response(status: status, body: []) }
                }
                let piece = Array(buffer[0..<size])
                buffer.removeFirst(size + 2)
                if !onData(piece) { return Response(status: status, body: []) }
            }
        } else {
            if !buffer.isEmpty {
                let piece = buffer
                buffer.removeAll()
                if !onData(piece) { return Response(status: status, body: []) }
            }
            while try fill() {
                let piece = buffer
                buffer.removeAll()
                if !onData(piece) { break }
            }
            return Response(status: status, body: [])
        }
    }

    private func readHead() throws(ClientError) -> (status: Int, length: Int?, chunked: Bool, close: Bool) {
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headerEnd == nil {
                guard try fill() else {
                    throw .unreachable(endpoint: endpoint.description, reason: "connection closed before a response")
                }
            }
        }
        let end = headerEnd!
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw .protocolError("bad status line \"\(lines.first ?? "")\"")
        }
        var contentLength: Int?
        var chunked = false
        var closeAfter = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch name {
            case "content-length": contentLength = Int(value)
            case "transfer-encoding": chunked = value.lowercased().contains("chunked")
            case "connection": closeAfter = value.lowercased() == "close"
            default: break
            }
        }
        return (status, contentLength, chunked, closeAfter)
    }

    private func readBody(length: Int?, chunked: Bool) throws(ClientError) -> [UInt8] {
        if chunked { return try readChunked() }
        if let length {
            while buffer.count < length {
                guard try fill() else { throw .protocolError("connection closed mid-body") }
            }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            return body
        }
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    private func readResponse() throws(ClientError) -> Response {
        let (status, length, chunked, closeAfter) = try readHead()
        // 1xx, 204 and 304 answers have no body, whatever their headers say (RFC 9112 §6.3): reading one "until the
        // connection closes" would wait for the server's idle timeout.
        let bodiless = status < 200 || status == 204 || status == 304
        let body = bodiless ? [] : try readBody(length: length, chunked: chunked)
        if closeAfter || (length == nil && !chunked && !bodiless) { close() }
        return Response(status: status, body: body)
    }

    private func readChunked() throws(ClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineEnd = Self.find([13, 10], in: buffer)
            while lineEnd == nil {
                guard try fill() else { throw .protocolError("connection closed mid-chunk") }
                lineEnd = Self.find([13, 10], in: buffer)
            }
            let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingWhitespace(), radix: 16) else { throw .protocolError("bad chunk size") }
            buffer.removeFirst(lineEnd! + 2)
            while buffer.count < size + 2 {
                guard try fill() else { throw .protocolError("connection closed mid-chunk") }
            }
            if size == 0 {
                buffer.removeFirst(2)
                return body
            }
            body += buffer[0..<size]
            buffer.removeFirst(size + 2)
        }
    }

    /// The index of the first occurrence of `needle` in `haystack`.
    public static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0] {
                var match = true
                for j in 1..<needle.count where haystack[i + j] != needle[j] {
                    match = false
                    break
                }
                if match { return i }
            }
            i += 1
        }
        return nil
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    /// Opens a stream socket connected to a Unix socket path.
    public static func connectUnix(_ path: String) throws(ClientError) -> Int32 {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else {
            throw .unreachable(endpoint: "unix:\(path)", reason: "socket path is \(bytes.count) bytes; the limit is \(capacity - 1)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .unreachable(endpoint: "unix:\(path)", reason: errorText()) }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let reason = errorText()
            _ = systemClose(fd)
            throw .unreachable(endpoint: "unix:\(path)", reason: reason)
        }
        return fd
    }

    /// Opens a TCP stream socket (with `TCP_NODELAY`) connected to `host:port`.
    public static func connectTCP(host: String, port: Int) throws(ClientError) -> Int32 {
        let isV6 = host.contains(":")
        #if canImport(Glibc)
            let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(isV6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0)
        #endif
        let where_ = "http://\(host):\(port)"
        guard fd >= 0 else { throw .unreachable(endpoint: where_, reason: errorText()) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var rc: Int32
        if isV6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else {
                _ = systemClose(fd)
                throw .invalidURL(where_)
            }
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
                _ = systemClose(fd)
                throw .invalidURL(where_)
            }
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard rc == 0 else {
            let reason = errorText()
            _ = systemClose(fd)
            throw .unreachable(endpoint: where_, reason: reason)
        }
        return fd
    }
}

@inline(__always) func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
        Glibc.close(fd)
    #else
        Darwin.close(fd)
    #endif
}

@inline(__always) func systemConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>, _ len: socklen_t) -> Int32 {
    #if canImport(Glibc)
        Glibc.connect(fd, addr, len)
    #else
        Darwin.connect(fd, addr, len)
    #endif
}
