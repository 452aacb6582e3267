import ArgumentParser
import Foundation
import PortDaddyAPI
import PortDaddyClient

extension PD {
    /// `pd webhooks [list]`, `pd webhooks add|rm|test|deliveries` (also `pd webhook …`).
    struct WebhookGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "webhooks", abstract: "Signed webhooks: POST events (claim.*, lock.*, run.*, …) to a URL, durably.",
            discussion:
                "Each delivery is a JSON POST signed with HMAC-SHA256 (X-PD-Signature: sha256=HEX over \"TIMESTAMP.BODY\", "
                + "X-PD-Timestamp, X-PD-Delivery, X-PD-Event). Deliveries survive a daemon crash and are retried "
                + "(1, 2, 4, 8, 16, 32 s) before they are failed. https:// to public addresses and http(s):// to loopback are "
                + "allowed; private ranges need --allow-private; link-local and metadata addresses never.",
            subcommands: [List.self, Add.self, Remove.self, Test.self, Deliveries.self], defaultSubcommand: List.self,
            aliases: ["webhook"])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "The webhooks and their delivery counts.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let all = try attempt { try client.webhooks() }
                if global.json { return global.output.json(all) }
                if all.webhooks.isEmpty { return global.output.line("no webhooks (pd webhooks add URL --events claim.*)") }
                global.output.table(
                    ["ID", "URL", "EVENTS", "FILTER", "PENDING", "DELIVERED", "FAILED", "LAST ERROR"],
                    all.webhooks.map { w in
                        [
                            w.id, w.url, w.events.joined(separator: ","), w.filter ?? "-", "\(w.pending)", "\(w.delivered)", "\(w.failed)",
                            w.lastError ?? "-",
                        ]
                    })
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register a URL; without --secret-file the daemon makes a secret and prints it once.")
            @Argument(help: "https://HOST/PATH (or http://127.0.0.1:PORT/PATH for a local receiver).") var url: String
            @Option(name: .long, help: "Events, comma-separated: * , a family (claim.*, lock.*) or names (agent.dead).") var events: String
            @Option(name: .long, help: "Only events whose subject matches this pattern (myapp:*).") var filter: String?
            @Option(name: .customLong("secret-file"), help: "Read the signing secret from this file (one line, 16+ bytes).")
            var secretFile: String?
            @Flag(name: .customLong("allow-private"), help: "Allow private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7).")
            var allowPrivate = false
            @Flag(name: .customLong("allow-local"), help: "Accepted for compatibility: loopback is always allowed.") var allowLocal = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                var secret: String?
                if let secretFile {
                    guard let data = FileManager.default.contents(atPath: secretFile) else {
                        throw CLIError("cannot read \(secretFile)", exitCode: PDExit.usage)
                    }
                    secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let client = try global.client()
                let request = WebhookAddRequest(
                    url: url, events: [events], filter: filter, secret: secret, allowPrivate: allowPrivate ? true : nil)
                let created = try attempt { try client.addWebhook(request) }
                if global.json { return global.output.json(created) }
                let w = created.webhook
                global.output.line("\(w.id) \(w.url) events \(w.events.joined(separator: ","))\(w.filter.map { " filter \($0)" } ?? "")")
                if let made = created.secret {
                    global.output.line("secret \(made)")
                    global.output.line("(shown once: keep it where your receiver reads it; pd never shows it again)")
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rm", abstract: "Remove a webhook and its deliveries.", aliases: ["remove"])
            @Argument(help: "The webhook's id.") var id: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let removed = try attempt { try client.removeWebhook(id) }
                if global.json { return global.output.json(removed) }
                global.output.line("removed \(removed.removed)")
            }
        }

        struct Test: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send a webhook.test event (after the webhook's queued deliveries) and wait up to 15 s for the first attempt.")
            @Argument(help: "The webhook's id.") var id: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                var delivery = try attempt { try client.testWebhook(id) }
                let deadline = Date().addingTimeInterval(15)
                while delivery.attempts.isEmpty && Date() < deadline {
                    usleep(100_000)
                    let recent = try attempt { try client.webhookDeliveries(id, limit: 50) }
                    if let found = recent.deliveries.first(where: { $0.id == delivery.id }) { delivery = found }
                }
                if global.json { return global.output.json(delivery) }
                guard let last = delivery.attempts.last else {
                    return global.output.line("\(delivery.id) queued (not attempted yet: pd webhooks deliveries \(id))")
                }
                global.output.line("\(delivery.id) \(delivery.state.rawValue): \(Deliveries.describe(last))")
                if delivery.state != .delivered { throw ExitCode(PDExit.failure) }
            }
        }

        struct Deliveries: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A webhook's deliveries and their attempts, newest first.")
            @Argument(help: "The webhook's id.") var id: String
            @Flag(name: .long, help: "Only failed (parked) deliveries.") var failed = false
            @Option(name: .long, help: "At most this many (default 50).") var limit = 50
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let client = try global.client()
                let found = try attempt { try client.webhookDeliveries(id, state: failed ? .failed : nil, limit: limit) }
                if global.json { return global.output.json(found) }
                if found.deliveries.isEmpty { return global.output.line(failed ? "no failed deliveries" : "no deliveries yet") }
                global.output.table(
                    ["DELIVERY", "EVENT", "SUBJECT", "STATE", "ATTEMPTS", "LAST"],
                    found.deliveries.map { d in
                        [
                            d.id, d.event, d.subject ?? "-",
                            d.state.rawValue + (d.nextAttemptAt.map { " (next \(Output.remaining(untilMillis: $0)))" } ?? ""),
                            "\(d.attempts.count)", d.attempts.last.map(Self.describe) ?? "-",
                        ]
                    })
            }

            static func describe(_ attempt: WebhookAttemptInfo) -> String {
                if let status = attempt.status { return "HTTP \(status)" }
                return attempt.error ?? "-"
            }
        }
    }
}
