import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PortDaddyCore

/// Sends one delivery: resolves the URL's host, checks every address against ``WebhookAddressPolicy``, then POSTs to
/// the address it checked (AsyncHTTPClient's DNS override: no second resolution; TLS still verifies the host name),
/// with a 10 s deadline and no redirects.
struct WebhookSender: Sendable {
    /// The outcome of one attempt: the receiver's status, or why there was none.
    struct Outcome: Sendable {
        var status: Int?
        var error: String?
    }

    static let timeout = TimeAmount.seconds(10)
    /// Bytes of a receiver's answer read (and dropped).
    static let maxAnswer = 64 * 1024

    func send(_ delivery: WebhookDueDelivery, at timestamp: Int64) async -> Outcome {
        let target: WebhookTarget
        do { target = try WebhookTarget(parsing: delivery.url) } catch { return Outcome(error: "\(error)") }
        let addresses: [String]
        do {
            addresses = try await NIOThreadPool.singleton.runIfActive { HostResolver.addresses(of: target.host) }
        } catch {
            return Outcome(error: "cannot resolve \(target.host): \(error)")
        }
        guard let address = addresses.first else { return Outcome(error: "cannot resolve \(target.host)") }
        do {
            try WebhookAddressPolicy.check(scheme: target.scheme, host: target.host, addresses: addresses, allowPrivate: delivery.allowPrivate)
        } catch {
            return Outcome(error: "refused before connecting: \(error)")
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: Self.timeout, read: Self.timeout), proxy: nil)
        // The outbox retries with its own backoff: a refused connection is one failed attempt, at once.
        configuration.connectionPool.retryConnectionEstablishment = false
        if !target.isLiteral { configuration.dnsOverride = [target.host: address] }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let outcome = await post(delivery, at: timestamp, with: client)
        try? await client.shutdown()
        return outcome
    }

    private func post(_ delivery: WebhookDueDelivery, at timestamp: Int64, with client: HTTPClient) async -> Outcome {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "port-daddy-webhooks")
        request.headers.add(name: "X-PD-Event", value: delivery.event)
        request.headers.add(name: "X-PD-Delivery", value: delivery.id)
        request.headers.add(name: "X-PD-Timestamp", value: String(timestamp))
        request.headers.add(
            name: "X-PD-Signature", value: WebhookSignature.sign(secret: delivery.secret.value, timestamp: timestamp, body: delivery.body))
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let response = try await client.execute(request, timeout: Self.timeout)
            _ = try? await response.body.collect(upTo: Self.maxAnswer)
            return Outcome(status: Int(response.status.code))
        } catch {
            return Outcome(error: Self.describe(error))
        }
    }

    /// A short reason for a failed attempt (never the request, which carries the signature).
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout { return "timed out after 10 s" }
            return "HTTP client: \(error)"
        }
        return String(describing: error)
    }
}
