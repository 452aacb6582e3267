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
            return JSONResponse.error(code: error.code, message: error.description)
        } catch let error as InvalidValue {
            return JSONResponse.error(code: error.code, message: error.message)
        } catch is CancellationError {
            return JSONResponse.error(code: .shuttingDown, message: "the daemon is shutting down; try again once it is back")
        } catch RequestError.invalid(let why) {
            return JSONResponse.error(code: .invalidRequest, message: why)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                return JSONResponse.error(
                    code: .notFound,
                    message: "no route \(request.method) \(request.uri.path); see docs/API.md")
            case .contentTooLarge:
                return JSONResponse.error(
                    code: .bodyTooLarge,
                    message: "request body is larger than \(context.maxUploadSize) bytes")
            case .badRequest:
                return JSONResponse.error(code: .invalidRequest, message: error.body ?? "bad request")
            default:
                return JSONResponse.error(error.status, code: .internal, message: error.body ?? "\(error.status)")
            }
        } catch let error as HTTPParserError {
            // A malformed body (a bad chunk size, an unsupported Transfer-Encoding) is the client's error.
            return JSONResponse.error(code: .invalidRequest, message: "malformed HTTP request: \(error)")
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return JSONResponse.error(
                code: .bodyTooLarge,
                message: "request body is larger than \(context.maxUploadSize) bytes")
        } catch {
            logger.error("unhandled error on \(request.method) \(request.uri.path): \(error)")
            return JSONResponse.error(code: .internal, message: "internal error: \(error)")
        }
    }

}
