@testable import App
import Foundation
import Testing

@Suite("Content loading")
struct ContentLoaderTests {
    /// Writes `files` (relative path -> text) under a fresh folder.
    func folder(_ files: [String: String]) throws -> String {
        let root = try makeTemporaryDirectory()
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test("sections come from folders, pages are ordered, and .md links resolve to URLs")
    func sectionsAndLinks() throws {
        // given a corpus-like folder
        let docs = try folder([
            "intro.md": "---\ntitle: Intro\ndescription: d\norder: 1\n---\nSee [b](routing/b.md#x).",
            "routing/b.md": "---\ntitle: B\ndescription: d\n---\n[a](a.md) [up](../intro.md)",
            "routing/a.md": "---\ntitle: A\ndescription: d\n---\nA",
            "getting-started/_index.md": "---\ntitle: Getting started\ndescription: First steps\norder: 1\n---\n",
            "getting-started/one.md": "---\ntitle: One\ndescription: d\n---\n## First\n\n## Second\n",
        ])
        // when
        let content = ContentLoader(contentDirectory: packageRoot + "/Content", docsDirectory: docs).load()
        let catalog = content.docs
        // then
        #expect(content.problems.isEmpty)
        #expect(catalog.pages.map(\.path) == ["intro", "getting-started/one", "routing/a", "routing/b"])
        #expect(catalog.namedSections.map(\.title) == ["Getting started", "Routing"])
        #expect(catalog.pages[1].headings == ["First", "Second"])
        #expect(catalog.resolveLink("routing/b.md#x", from: "intro.md") == "/docs/routing/b#x")
        #expect(catalog.resolveLink("a.md", from: "routing/b.md") == "/docs/routing/a")
        #expect(catalog.resolveLink("../intro.md", from: "routing/b.md") == "/docs/intro")
        #expect(catalog.resolveLink("missing.md", from: "intro.md") == nil)
        #expect(catalog.resolveLink("https://example.com/x.md", from: "intro.md") == nil)
    }

    @Test("a broken page is reported with file and line; the others still load")
    func brokenFrontMatter() throws {
        let docs = try folder([
            "good.md": "---\ntitle: Good\ndescription: fine\n---\nok",
            "bad.md": "---\ntitle: Bad\nthis line is wrong\n---\n",
            "untitled.md": "---\ndescription: no title\n---\n",
        ])
        let content = ContentLoader(contentDirectory: packageRoot + "/Content", docsDirectory: docs).load()
        #expect(content.docs.pages.map(\.path) == ["good"])
        let descriptions = content.problems.map(\.description).sorted()
        #expect(descriptions == [
            docs + "/bad.md:3: expected `key: value`, found `this line is wrong`",
            docs + "/untitled.md:1: front matter needs a non-empty `title`",
        ])
    }

    @Test("a missing docs folder is a problem, not a crash")
    func missingFolder() {
        let content = ContentLoader(contentDirectory: packageRoot + "/Content", docsDirectory: "/nonexistent/docs").load()
        #expect(content.docs.pages.isEmpty)
        #expect(content.problems.first?.message == "docs folder is missing or empty")
    }

    @Test("the repository's own content loads without problems")
    func repositoryContent() {
        let content = ContentLoader(contentDirectory: packageRoot + "/Content", docsDirectory: packageRoot + "/Content/docs").load()
        #expect(content.problems.isEmpty, "\(content.problems)")
        #expect(Set(content.docs.pages.map(\.path)).isSuperset(of: ["quickstart", "mcp-concepts", "oauth", "authoring-tools", "self-hosting", "api", "faq"]))
        #expect(content.legal.count == SiteRoute.LegalPage.allCases.count)
        #expect(content.legal[.agb]?.language == "de")
        #expect(!content.changelog.isEmpty)
        #expect(content.changelog.map(\.date) == content.changelog.map(\.date).sorted(by: >))
    }

    @Test("changelog dates must be real days")
    func changelogDates() {
        #expect(ChangelogEntry.parseDate("2026-11-25") != nil)
        #expect(ChangelogEntry.parseDate("2026-02-30") == nil)
        #expect(ChangelogEntry.parseDate("25.11.2026") == nil)
    }
}
