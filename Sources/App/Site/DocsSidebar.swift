import Templating

/// The docs navigation: top-level pages, then each section, with only the current
/// section expanded. Every section that is not the current one looks the same on
/// every page, so its HTML is rendered once here and reused — like Hugo's
/// `partialCached`. On a 10,000-page site (200 sections) that was a third of the
/// export time.
struct DocsSidebar: Sendable {
    static let template = "Site/docs-sidebar-section"

    private let docs: DocsCatalog
    private let templates: TemplateLibrary
    /// Per section: its HTML when it is not the current one (empty for empty sections).
    private let resting: [String]

    init(docs: DocsCatalog, templates: TemplateLibrary) throws {
        self.docs = docs
        self.templates = templates
        var resting: [String] = []
        for index in docs.sections.indices {
            resting.append(try Self.render(Self.entry(docs, index, currentSection: nil, currentPage: nil), templates))
        }
        self.resting = resting
    }

    /// The sidebar's HTML for a page (`currentPage`) or a section index
    /// (`currentSection` only), joined here so the page template gets one string.
    func html(currentSection: Int?, currentPage: Int?) throws -> String {
        var html = ""
        for index in docs.sections.indices where !docs.sections[index].pageIndices.isEmpty {
            html += index == currentSection
                ? try Self.render(Self.entry(docs, index, currentSection: currentSection, currentPage: currentPage), templates)
                : resting[index]
        }
        return html
    }

    private static func entry(_ docs: DocsCatalog, _ index: Int, currentSection: Int?, currentPage: Int?) -> SidebarSection {
        let section = docs.sections[index]
        let isCurrent = index == currentSection
        let expanded = section.path.isEmpty || isCurrent
        return SidebarSection(
            title: section.path.isEmpty ? "" : section.title,
            href: section.path.isEmpty ? nil : SiteRoute.docs(path: .value(section.path)).path,
            isCurrent: isCurrent && !section.path.isEmpty && currentPage == nil,
            pages: expanded ? section.pageIndices.map { pageIndex in
                let page = docs.pages[pageIndex]
                return Link(title: page.title, href: SiteRoute.docs(path: .value(page.path)).path, isCurrent: pageIndex == currentPage)
            } : []
        )
    }

    private static func render(_ section: SidebarSection, _ templates: TemplateLibrary) throws -> String {
        struct Context: Encodable { let section: SidebarSection }
        return String(decoding: try templates.render(template, Context(section: section)), as: UTF8.self)
    }
}
