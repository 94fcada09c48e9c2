struct TOCEntry: Encodable {
    let level: Int
    let id: String
    let text: String
}

/// One section of the docs sidebar, the context of `docs-sidebar-section`.
struct SidebarSection: Encodable {
    /// Empty for the unnamed root section (built-in docs); then only `pages` show.
    let title: String
    let href: String?
    let isCurrent: Bool
    let pages: [Link]
}

struct DocsPageView: Encodable {
    let title: String
    let description: String
    /// Rendered Markdown (safe HTML produced by the app).
    let html: String
    let toc: [TOCEntry]
    /// Rendered sidebar sections (`docs-sidebar-section`), see `DocsSidebar`.
    let sidebar: String
    let breadcrumbs: [Link]
    let previous: Link?
    let next: Link?
    let searchIndexHref: String
}

struct DocsIndexView: Encodable {
    struct Section: Encodable {
        let title: String
        let href: String?
        let pages: [Entry]
    }
    struct Entry: Encodable {
        let title: String
        let href: String
        let description: String
    }
    let title: String
    let intro: String
    let sections: [Section]
    let sidebar: String
    let breadcrumbs: [Link]
    let searchIndexHref: String
}
