import Foundation

/// The orders of the template listing's tabs.
public enum TemplateSort: String, CaseIterable, Codable, Sendable {
    /// `(activeDeployments * 3 + forks) / sqrt(ageDays + 1)`: use now counts more than
    /// copies, and age wears it down, so a new template that people run rises above an
    /// old one everyone forked years ago.
    case trending
    /// Forks plus active deployments: what most people took and kept running.
    case top
    /// Newest first.
    case newest

    public var label: String {
        switch self {
        case .trending: "Trending"
        case .top: "Top"
        case .newest: "Newest"
        }
    }

    /// The trending score as the listing's SQL computes it (the same formula, for
    /// documentation and tests; the database does the ranking).
    public static func trendingScore(activeDeployments: Int, forks: Int, ageDays: Double) -> Double {
        Double(activeDeployments * 3 + forks) / (max(ageDays, 0) + 1).squareRoot()
    }
}
