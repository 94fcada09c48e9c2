import Foundation
import Markdown

/// A template's long description as HTML that is safe to embed in anyone's page:
/// no raw HTML, no images, and links only to absolute http(s) addresses, marked
/// `nofollow ugc noopener` (see `UntrustedMarkdown`). `javascript:`, `data:`,
/// `vbscript:`, `mailto:` and relative links keep their text and lose the link.
enum TemplateMarkdown {
    static func html(_ markdown: String) -> String {
        UntrustedMarkdown.html(markdown, allowsLink: isWebURL)
    }

    /// Absolute http or https, with a host: the only links a description may carry.
    /// cmark hands over the destination with entities and escapes already decoded, so
    /// `&#106;avascript:` arrives here as `javascript:`.
    @Sendable static func isWebURL(_ text: String) -> Bool {
        guard text == text.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters)),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
