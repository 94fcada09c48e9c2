import Foundation
import Markdown

/// Everything the public site shows that comes from Markdown files.
struct SiteContent: Sendable {
    var docs: DocsCatalog
    var changelog: [ChangelogEntry]
    var legal: [SiteRoute.LegalPage: LegalDocument]
    /// `openapi.json`; `nil` when the content folder has none (or it does not parse: a problem).
    var api: APIDocument?
    var problems: [ContentProblem]
}

/// Reads the content folders. A broken file becomes a `ContentProblem` naming the
/// file and line instead of stopping the whole site.
struct ContentLoader {
    let contentDirectory: String
    let docsDirectory: String

    func load() -> SiteContent {
        var problems: [ContentProblem] = []
        let api = loadAPIDocument(problems: &problems)
        let docs = loadDocs(api: api, problems: &problems)
        let changelog = loadChangelog(problems: &problems)
        let legal = loadLegal(problems: &problems)
        return SiteContent(docs: docs, changelog: changelog, legal: legal, api: api, problems: problems)
    }

    // MARK: Docs

    private func loadAPIDocument(problems: inout [ContentProblem]) -> APIDocument? {
        let file = (contentDirectory as NSString).appendingPathComponent(APIDocument.fileName)
        // Optional, like the legal pages: a docs-only content folder (`--content`) has none.
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        do {
            return try APIDocument(text: text)
        } catch {
            problems.append(ContentProblem(file: file, line: 0, message: "the API document does not parse: \(error)"))
            return nil
        }
    }

    private func loadDocs(api: APIDocument?, problems: inout [ContentProblem]) -> DocsCatalog {
        let fileManager = FileManager.default
        let topLevel = (try? fileManager.contentsOfDirectory(atPath: docsDirectory)) ?? []
        if topLevel.isEmpty {
            problems.append(ContentProblem(file: docsDirectory, line: 0, message: "docs folder is missing or empty"))
        }
        // List first, then read and parse every file in parallel: a 10,000-page
        // folder loads in a fraction of a second.
        var sections = [DocsCatalog.Section(path: "", title: "Documentation", description: "", order: 0, pageIndices: [])]
        var files: [(relativePath: String, sectionIndex: Int)] = []
        for name in topLevel.sorted() {
            let fullPath = docsDirectory + "/" + name
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: fullPath, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let sectionFiles = ((try? fileManager.contentsOfDirectory(atPath: fullPath)) ?? []).filter { $0.hasSuffix(".md") }
                files += sectionFiles.sorted().map { (name + "/" + $0, sections.count) }
                sections.append(DocsCatalog.Section(path: name, title: Self.titleFromFolder(name), description: "", order: Int.max, pageIndices: []))
            } else if name.hasSuffix(".md") {
                files.append((name, 0))
            }
        }

        let results = ParallelMap.map(files) { file -> (SourceFile?, [ContentProblem]) in
            var fileProblems: [ContentProblem] = []
            let source = self.read(file.relativePath, problems: &fileProblems)
            return (source, fileProblems)
        }

        var pages: [DocsCatalog.Page] = []
        for (file, result) in zip(files, results) {
            problems += result.1
            guard let source = result.0 else { continue }
            let fileName = (file.relativePath as NSString).lastPathComponent
            if file.sectionIndex > 0 && (fileName == "_index.md" || fileName == "index.md") {
                let section = sections[file.sectionIndex]
                sections[file.sectionIndex] = DocsCatalog.Section(
                    path: section.path,
                    title: source.frontMatter.string("title") ?? section.title,
                    description: source.frontMatter.string("description") ?? "",
                    order: source.frontMatter.integer("order") ?? Int.max,
                    pageIndices: []
                )
            } else if let page = makePage(source, relativePath: file.relativePath, sectionIndex: file.sectionIndex, api: api, problems: &problems) {
                pages.append(page)
            }
        }
        return DocsCatalog(sections: sections, pages: pages)
    }

    private func read(_ relativePath: String, problems: inout [ContentProblem]) -> SourceFile? {
        let path = docsDirectory + "/" + relativePath
        return Self.readSource(path: path, displayPath: path, problems: &problems)
    }

    private func makePage(_ source: SourceFile, relativePath: String, sectionIndex: Int, api: APIDocument?,
                          problems: inout [ContentProblem]) -> DocsCatalog.Page? {
        let file = docsDirectory + "/" + relativePath
        guard let title = Self.required("title", in: source, file: file, problems: &problems),
              let description = Self.required("description", in: source, file: file, problems: &problems)
        else { return nil }
        let kind = source.frontMatter.string("type")
        var markdown = source.body
        if kind == APIReferenceMarkdown.kind, let api {
            markdown = Substring(String(markdown) + "\n" + APIReferenceMarkdown.render(api))
        }
        return DocsCatalog.Page(
            path: String(relativePath.dropLast(3)),
            title: title,
            description: description,
            order: source.frontMatter.integer("order") ?? Int.max,
            kind: kind,
            sectionIndex: sectionIndex,
            sourcePath: relativePath,
            markdown: markdown,
            headings: Self.secondLevelHeadings(markdown)
        )
    }

    // MARK: Changelog and legal pages

    private func loadChangelog(problems: inout [ContentProblem]) -> [ChangelogEntry] {
        let directory = (contentDirectory as NSString).appendingPathComponent("changelog")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".md") }
        var entries: [ChangelogEntry] = []
        for name in files {
            let file = directory + "/" + name
            guard let source = Self.readSource(path: file, displayPath: file, problems: &problems),
                  let title = Self.required("title", in: source, file: file, problems: &problems),
                  let description = Self.required("description", in: source, file: file, problems: &problems),
                  let dateText = Self.required("date", in: source, file: file, problems: &problems)
            else { continue }
            guard let date = ChangelogEntry.parseDate(dateText) else {
                problems.append(ContentProblem(file: file, line: source.frontMatter.lines["date"] ?? 1, message: "date must be YYYY-MM-DD, not `\(dateText)`"))
                continue
            }
            entries.append(ChangelogEntry(
                anchor: Slug.make(String(name.dropLast(3))),
                title: title,
                description: description,
                date: date,
                tags: source.frontMatter.list("tags") ?? [],
                markdown: source.body
            ))
        }
        return entries.sorted { ($0.date, $0.anchor) > ($1.date, $1.anchor) }
    }

    private func loadLegal(problems: inout [ContentProblem]) -> [SiteRoute.LegalPage: LegalDocument] {
        var documents: [SiteRoute.LegalPage: LegalDocument] = [:]
        for page in SiteRoute.LegalPage.allCases {
            let file = (contentDirectory as NSString).appendingPathComponent("legal/\(page.rawValue).md")
            guard let source = Self.readSource(path: file, displayPath: file, problems: &problems),
                  let title = Self.required("title", in: source, file: file, problems: &problems),
                  let description = Self.required("description", in: source, file: file, problems: &problems)
            else { continue }
            documents[page] = LegalDocument(
                title: title,
                description: description,
                language: source.frontMatter.string("lang") ?? "en",
                markdown: source.body
            )
        }
        return documents
    }

    // MARK: Helpers

    static func readSource(path: String, displayPath: String, problems: inout [ContentProblem]) -> SourceFile? {
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append(ContentProblem(file: displayPath, line: 0, message: "file is missing or unreadable"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            problems.append(ContentProblem(file: displayPath, line: 0, message: "file is not valid UTF-8"))
            return nil
        }
        do {
            return try SourceFile.parse(text)
        } catch {
            problems.append(ContentProblem(file: displayPath, line: error.line, message: error.message))
            return nil
        }
    }

    static func required(_ key: String, in source: SourceFile, file: String, problems: inout [ContentProblem]) -> String? {
        if let value = source.frontMatter.string(key), !value.isEmpty { return value }
        problems.append(ContentProblem(file: file, line: source.frontMatter.lines[key] ?? 1, message: "front matter needs a non-empty `\(key)`"))
        return nil
    }

    /// `routing-basics` -> `Routing Basics`.
    static func titleFromFolder(_ name: String) -> String {
        name.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// `## ` headings outside code fences, cheap enough to run on every page at load.
    static func secondLevelHeadings(_ markdown: Substring) -> [String] {
        var headings: [String] = []
        var inFence = false
        var lines = LineCursor(String(markdown))
        while let line = lines.next() {
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle(); continue }
            if !inFence && line.hasPrefix("## ") {
                headings.append(String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces))
            }
        }
        return headings
    }
}
