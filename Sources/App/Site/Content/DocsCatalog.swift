/// The docs tree: pages at the top of the docs folder plus one section per
/// sub-folder. Only front matter and the raw Markdown are kept; pages render on
/// request, so even a 10,000-page folder loads quickly and stays small in memory.
struct DocsCatalog: Sendable {
    struct Page: Sendable {
        /// URL path after `/docs/`, e.g. `quickstart` or `routing/page-00001`.
        let path: String
        let title: String
        let description: String
        let order: Int
        /// Front matter `type` (`faq` turns on FAQPage structured data).
        let kind: String?
        let sectionIndex: Int
        /// Path of the source relative to the docs folder, for resolving `.md` links.
        let sourcePath: String
        let markdown: Substring
        /// `##` headings, for the search index.
        let headings: [String]
    }

    struct Section: Sendable {
        /// Folder name; empty for the pages at the top level.
        let path: String
        let title: String
        let description: String
        let order: Int
        var pageIndices: [Int]
    }

    private(set) var pages: [Page] = []
    private(set) var sections: [Section] = []
    private var pageByPath: [String: Int] = [:]
    private var sectionByPath: [String: Int] = [:]

    init(sections: [Section], pages: [Page]) {
        // Reading order: top-level pages first, then sections; each by order, then path.
        let sortedSections = sections.enumerated().sorted { lhs, rhs in
            let (l, r) = (lhs.element, rhs.element)
            if l.path.isEmpty != r.path.isEmpty { return l.path.isEmpty }
            return (l.order, l.path) < (r.order, r.path)
        }
        let grouped = Dictionary(grouping: pages, by: { $0.sectionIndex })
        for (position, entry) in sortedSections.enumerated() {
            var section = entry.element
            section.pageIndices = []
            let sectionPages = (grouped[entry.offset] ?? []).sorted { ($0.order, $0.path) < ($1.order, $1.path) }
            for page in sectionPages {
                section.pageIndices.append(self.pages.count)
                pageByPath[page.path] = self.pages.count
                self.pages.append(Page(
                    path: page.path, title: page.title, description: page.description, order: page.order,
                    kind: page.kind, sectionIndex: position, sourcePath: page.sourcePath,
                    markdown: page.markdown, headings: page.headings
                ))
            }
            if !section.path.isEmpty { sectionByPath[section.path] = position }
            self.sections.append(section)
        }
    }

    enum Entry {
        case page(Int)
        case section(Int)
    }

    func entry(at path: String) -> Entry? {
        if let index = pageByPath[path] { return .page(index) }
        if let index = sectionByPath[path] { return .section(index) }
        return nil
    }

    /// Sections that have their own index page (every named one with pages).
    var namedSections: [Section] { sections.filter { !$0.path.isEmpty && !$0.pageIndices.isEmpty } }

    /// Rewrites a relative link to another Markdown file (`../routing/intro.md#x`)
    /// into that page's URL. External links and plain anchors are left alone.
    func resolveLink(_ destination: String, from sourcePath: String) -> String? {
        if destination.isEmpty || destination.hasPrefix("#") || destination.hasPrefix("/") || destination.contains(":") {
            return nil
        }
        var target = destination
        var fragment = ""
        if let hash = target.firstIndex(of: "#") {
            fragment = String(target[hash...])
            target = String(target[..<hash])
        }
        guard target.hasSuffix(".md") else { return nil }
        var components = sourcePath.split(separator: "/").dropLast().map(String.init)
        for part in target.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(part))
            }
        }
        guard var last = components.popLast() else { return nil }
        last.removeLast(3)
        if last != "index" && last != "_index" { components.append(last) }
        let path = components.joined(separator: "/")
        guard entry(at: path) != nil || path.isEmpty else { return nil }
        return (path.isEmpty ? SiteRoute.docsIndex : SiteRoute.docs(path: .value(path))).path + fragment
    }
}
