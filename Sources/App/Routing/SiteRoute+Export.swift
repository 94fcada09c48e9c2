extension SiteRoute {
    /// Pages that a static host can serve: the same bytes for every visitor.
    /// Live data and everything about accounts stay on the app.
    var isExported: Bool {
        switch self {
        case .home, .pricing, .docsIndex, .docs, .changelog, .changelogFeed, .legal, .offline,
             .sitemap, .robots, .searchIndex, .openAPI, .webManifest, .favicon, .serviceWorker, .notFoundPage: true
        default: false
        }
    }

    /// HTML pages listed in the sitemap.
    var isIndexable: Bool {
        switch self {
        case .home, .pricing, .docsIndex, .docs, .changelog, .legal: true
        default: false
        }
    }

    /// Where the exported file for this route lives, relative to the export folder.
    /// Pages become `dir/index.html` so any static server maps `/dir` to them.
    var exportFile: String {
        let trimmed = String(path.dropFirst())
        if trimmed.isEmpty { return "index.html" }
        if trimmed.split(separator: "/").last?.contains(".") == true { return trimmed }
        return trimmed + "/index.html"
    }
}
