/// View model of `/admin/templates`.
struct ModerationView: Encodable {
    struct ReportRow: Encodable {
        let reporter: String
        let reason: String
        let text: String
        let date: String
    }

    /// What a moderator can do to one template, as forms posting to `.adminTemplate`.
    struct Actions: Encodable {
        let verify: String?
        let unverify: String?
        let hide: String?
        let takedown: String?
        let dismissReports: String?
        let restore: String?
    }

    struct TemplateRow: Encodable {
        let id: String
        let title: String
        let slug: String
        let href: String
        let author: String
        let status: String
        let statusClass: String
        let isVerified: Bool
        let forks: Int
        let created: String
        let reviewed: String?
        let takedownReason: String?
        let openReports: Int
        let reports: [ReportRow]
        let actions: Actions
    }

    let search: String
    let searchAction: String
    let csrf: String
    let error: String?
    let queue: [TemplateRow]
    let all: [TemplateRow]
    let total: Int
    let pageNumber: Int
    let previousHref: String?
    let nextHref: String?
    let reasonLimit: Int
}
