import HTTPTypes
import PortDaddyAPI

extension ErrorCode {
    /// The code's HTTP status with its standard reason phrase.
    var status: HTTPResponse.Status {
        switch httpStatus {
        case 400: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 408: return .requestTimeout
        case 409: return .conflict
        case 412: return .preconditionFailed
        case 413: return .contentTooLarge
        case 422: return .unprocessableContent
        case 424: return .init(code: 424, reasonPhrase: "Failed Dependency")
        case 503: return .serviceUnavailable
        default: return .internalServerError
        }
    }
}
