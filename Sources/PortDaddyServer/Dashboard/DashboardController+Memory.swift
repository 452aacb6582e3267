import Foundation
import Hummingbird
import PortDaddyAPI
import PortDaddyCore

extension DashboardController {
    /// What the Heat and Memory views show, read only while one of them is open (the tier counts are a count
    /// query per construct, which the other views should not pay for on every event).
    struct MemorySnapshot: Encodable {
        /// The hottest files, hottest first, with the agents whose file claims hold each now.
        var files: [FileHeat]
        /// Every harbor (declared ones, `global`, any holding tuples or pheromones) with its tuple count.
        var harbors: [HarborInfo]
        /// Every construct with its tier, retention and live count, and the totals per tier.
        var tiers: MemoryTiersResponse
        /// The newest episodes, newest first.
        var episodes: [EpisodeView]
        /// Whether the episodes carry their text: only for a page with the user's authority.
        var textShown: Bool
    }

    /// An episode as the Memory view lists it: its labels for any page, its text (note text) only with the user's
    /// authority, as run output and stack output are (§B.0, decision 3).
    struct EpisodeView: Encodable {
        var id: Int64
        var type: EpisodeType
        var project: String?
        var identity: String?
        var agent: String?
        var source: String
        var at: Int64
        /// `nil` without the user's authority.
        var text: String?

        init(_ episode: Episode, withText: Bool) {
            id = episode.id
            type = episode.type
            project = episode.project
            identity = episode.identity
            agent = episode.agent
            source = episode.source
            at = episode.at
            text = withText ? episode.text : nil
        }
    }

    /// How many files the Heat view lists and how many episodes the Memory view lists.
    static let hotFilesShown = 30
    static let episodesShown = 25

    /// `GET /dashboard/memory`: same origin only, like the state; episode text only with the user's authority.
    @Sendable func memorySnapshot(_ request: Request, _ context: PDRequestContext) throws -> Response {
        if let refused = crossSiteRefusal(request, navigation: false) { return refused }
        return try JSONResponse.make(try memoryView(textShown: hasControl(request, context)))
    }

    func memoryView(textShown: Bool) throws -> MemorySnapshot {
        MemorySnapshot(
            files: try memory.pheromones.hottestFiles(limit: Self.hotFilesShown, harbor: nil, claims: try coordination.files()),
            harbors: try memory.harbors.list(),
            tiers: try memory.tiers.tiers(),
            episodes: try memory.episodes.list(project: nil, type: nil, sinceMillis: nil, limit: Self.episodesShown)
                .map { EpisodeView($0, withText: textShown) },
            textShown: textShown)
    }
}
