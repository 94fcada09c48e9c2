import Fluent
import Foundation

/// The banner on a fork's page once its template was taken down: why its endpoint
/// stopped, and that rebuilding from an edited spec (Iterate) brings it back.
struct TakedownBannerView: Encodable {
    let templateTitle: String
    let reason: String?
    let takenDownOn: String
    let iterateHref: String

    static func load(for server: HostedServer, on database: any Database) async throws -> TakedownBannerView? {
        guard let template = try await TemplateTakedown.takenDownTemplate(of: server, on: database) else { return nil }
        return TakedownBannerView(
            templateTitle: template.title, reason: template.takedownReason,
            takenDownOn: template.takenDownAt.map(DayLabel.long) ?? "",
            iterateHref: SiteRoute.server(.value(server.id!), .versions).path(fragment: "iterate-title"))
    }
}
