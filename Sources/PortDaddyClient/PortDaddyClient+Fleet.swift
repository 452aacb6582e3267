import Foundation
import PortDaddyAPI

/// Fleets.
extension PortDaddyClient {
    public func fleets() throws(ClientError) -> FleetsResponse { try call(Routes.fleets) }
    public func fleetUp(_ project: String, _ request: FleetUpRequest) throws(ClientError) -> FleetInfo {
        try call(Routes.fleetUp, project, body: request)
    }
    public func fleetDown(_ project: String) throws(ClientError) -> FleetsResponse { try call(Routes.fleetDown, project) }
    public func fleetEnable(_ project: String, _ request: FleetUpRequest) throws(ClientError) -> FleetInfo {
        try call(Routes.fleetEnable, project, body: request)
    }
    public func fleetReload() throws(ClientError) -> FleetReloadResponse { try call(Routes.fleetReload) }
    public func fleetDisable(_ project: String) throws(ClientError) -> FleetsResponse { try call(Routes.fleetDisable, project) }
}

extension PortDaddyClient {
    /// The running fleet's `pd-fleet.yml`, its hash and problems.
    public func fleetConfig(_ project: String) throws(ClientError) -> FleetConfigFile { try call(Routes.fleetConfig, project) }

    /// Replaces the fleet's file if it still has the hash `ifMatch`.
    public func writeFleetConfig(_ project: String, yaml: String, ifMatch: String) throws(ClientError) -> FleetConfigFile {
        try call(Routes.fleetConfigWrite, project, body: FleetConfigWrite(yaml: yaml), headers: [("If-Match", "\"\(ifMatch)\"")])
    }

    /// The one-line status for a shell prompt (empty when no fleet runs).
    public func fleetPrompt(project: String?) throws(ClientError) -> String {
        let response = try send(
            Routes.fleetPrompt.method.rawValue, RoutePath.build(Routes.fleetPrompt.template, [], query: [("project", project)]), body: nil)
        guard (200..<300).contains(response.status) else {
            let body =
                (try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)))
                ?? ErrorBody(error: "HTTP \(response.status)", code: .internal)
            throw .daemon(status: response.status, body: body)
        }
        return String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    /// The path of `GET /fleet/events` for a project, or for the attached fleet with that key.
    public static func fleetEventsPath(project: String?, attach: String? = nil) -> String {
        streamPath(Routes.fleetEvents, query: [("project", project), ("attach", attach)])
    }
}

extension PortDaddyClient {
    public func actors(project: String?) throws(ClientError) -> ActorsResponse { try call(Routes.actors, query: [("project", project)]) }
    public func actor(_ name: String, project: String?) throws(ClientError) -> ActorInfo {
        try call(Routes.actor, name, query: [("project", project)])
    }
    public func sendToActor(_ name: String, _ request: ActorMessageRequest) throws(ClientError) -> ActorMessageAck {
        try call(Routes.actorSend, name, body: request)
    }
    public func actorInbox(_ name: String, project: String?) throws(ClientError) -> ActorMessagesResponse {
        try call(Routes.actorInbox, name, query: [("project", project)])
    }
}
