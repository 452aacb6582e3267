import Foundation
import HTTPTypes
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

/// Builds JSON responses.
enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The headers of every JSON answer.
    static let headers: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return headers
    }()

    /// An error answer: `{error, code}` with the status the code always has.
    static func error(code: ErrorCode, message: String) -> Response {
        error(code.status, code: code, message: message)
    }

    /// An error answer with a status chosen by the caller (an HTTP error of the framework's own).
    static func error(_ status: HTTPResponse.Status, code: ErrorCode, message: String) -> Response {
        (try? make(ErrorBody(error: message, code: code), status: status))
            ?? Response(status: .internalServerError)
    }
}

extension Request {
    /// Decodes a JSON body if there is one; an empty body gives `nil`.
    func decodeOptionalJSON<T: Decodable>(_ type: T.Type, context: PDRequestContext) async throws -> T? {
        if let length = headers[.contentLength], length == "0" { return nil }
        do {
            return try await decodeJSON(type, context: context)
        } catch RequestError.invalid(let why) where why.hasPrefix("request body is empty") {
            return nil
        }
    }

    /// Decodes a JSON body, turning every decoding failure into a clear `INVALID_REQUEST`.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: PDRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw RequestError.invalid("request body is empty; send a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, _) {
            throw RequestError.invalid("missing field \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw RequestError.invalid("field \"\(ctx.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw RequestError.invalid("field \"\(ctx.codingPath.map(\.stringValue).joined(separator: "."))\" is null")
        } catch let DecodingError.dataCorrupted(ctx) {
            let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            if path.isEmpty { throw RequestError.invalid("request body is not valid JSON") }
            throw RequestError.invalid("field \"\(path)\": \(ctx.debugDescription)")
        } catch let invalid as InvalidValue {
            // A validating wire type (Identity, PortNumber, PID, a claim's expiry) refused its value.
            throw invalid
        } catch {
            throw RequestError.invalid("request body is not valid JSON")
        }
    }
}

/// Problems with the request itself, before any domain rule runs.
enum RequestError: Error {
    case invalid(String)
}
