import Hummingbird
import Logging
import NIOHTTP1
import PortDaddyAPI
import PortDaddyCore

/// Turns every error into a JSON `{error, code}` response with the right status.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PDRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PortDaddyError {
            return JSONResponse.error(Self.status(of: error), code: error.code, message: error.description)
        } catch is CancellationError {
            return JSONResponse.error(.serviceUnavailable, code: ErrorCode.shuttingDown, message: "the daemon is shutting down; try again once it is back")
        } catch RequestError.invalid(let why) {
            return JSONResponse.error(.badRequest, code: ErrorCode.invalidRequest, message: why)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                return JSONResponse.error(
                    .notFound, code: ErrorCode.notFound,
                    message: "no route \(request.method) \(request.uri.path); see docs/API.md")
            case .contentTooLarge:
                return JSONResponse.error(
                    .contentTooLarge, code: ErrorCode.bodyTooLarge,
                    message: "request body is larger than \(context.maxUploadSize) bytes")
            case .badRequest:
                return JSONResponse.error(.badRequest, code: ErrorCode.invalidRequest, message: error.body ?? "bad request")
            default:
                return JSONResponse.error(error.status, code: ErrorCode.internal, message: error.body ?? "\(error.status)")
            }
        } catch let error as HTTPParserError {
            // A malformed body (a bad chunk size, an unsupported Transfer-Encoding) is the client's error.
            return JSONResponse.error(.badRequest, code: ErrorCode.invalidRequest, message: "malformed HTTP request: \(error)")
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return JSONResponse.error(
                .contentTooLarge, code: ErrorCode.bodyTooLarge,
                message: "request body is larger than \(context.maxUploadSize) bytes")
        } catch {
            logger.error("unhandled error on \(request.method) \(request.uri.path): \(error)")
            return JSONResponse.error(.internalServerError, code: ErrorCode.internal, message: "internal error: \(error)")
        }
    }

    static func status(of error: PortDaddyError) -> HTTPResponse.Status {
        switch error {
        case .invalidIdentity, .invalidPort, .invalidPID, .invalidDuration, .invalidRequest: return .badRequest
        case .portUnavailable: return .conflict
        case .rangeExhausted, .resourceExhausted: return .serviceUnavailable
        case .notFound: return .notFound
        case .storage: return .internalServerError
        case .invalidLockName, .invalidChannel, .invalidSignal, .invalidAgent: return .badRequest
        case .noActiveSession, .sessionActive, .fileClaimed: return .conflict
        case .lockHeld, .lockTimeout: return .conflict
        case .notLockOwner: return .forbidden
        case .invalidStackConfig: return .unprocessableContent
        case .stackConflict, .stackBusy: return .conflict
        case .stackFailed: return .init(code: 424, reasonPhrase: "Failed Dependency")
        case .untrustedCaller, .dashboardLocked: return .unauthorized
        }
    }
}
