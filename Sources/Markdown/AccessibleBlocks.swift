import Foundation

/// What cmark's HTML needs to pass axe-core. Code blocks and tables scroll sideways on a
/// phone, so each is reachable by keyboard (`tabindex="0"`) to be scrolled; a task list's
/// disabled checkbox gets a name. Plain string replacement is safe for the same reason
/// as in `HeadingAnchors`: raw HTML never passes through, so these tags are cmark's own.
enum AccessibleBlocks {
    private static let replacements = [
        ("<pre>", "<pre tabindex=\"0\">"),
        ("<table>", "<table tabindex=\"0\">"),
        ("<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
         "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" />"),
        ("<input type=\"checkbox\" disabled=\"\" />", "<input type=\"checkbox\" disabled=\"\" aria-label=\"To do\" />"),
    ]

    static func apply(to html: String) -> String {
        replacements.reduce(html) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}
