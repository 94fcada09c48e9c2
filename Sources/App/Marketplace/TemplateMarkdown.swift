import Foundation
import Markdown

/// A template's long description as HTML that is safe to embed: cmark-gfm in safe
/// mode drops raw HTML, and every link that is not absolute http(s) loses its target,
/// so a description can neither inject markup nor carry `javascript:`, `data:` or
/// relative links into someone else's page.
enum TemplateMarkdown {
    static func html(_ markdown: String) -> String {
        MarkdownRenderer().render(markdown, rewriteLink: { url in
            isWebURL(url) ? nil : ""
        }).html
    }

    /// Absolute http or https, with a host: the only links a description may carry.
    static func isWebURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
