import Foundation
import Markdown

/// FAQPage structured data from a docs page whose questions are `## …?` headings
/// and whose answers are the text up to the next `##` heading.
enum FAQStructuredData {
    static func questions(in markdown: Substring) -> [(question: String, answer: String)] {
        var result: [(String, String)] = []
        var question: String?
        var answer: [Substring] = []
        var inFence = false
        func flush() {
            if let question { result.append((question, answer.joined(separator: "\n"))) }
            answer = []
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle() }
            if !inFence && line.hasPrefix("## ") {
                flush()
                let text = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                question = text.hasSuffix("?") ? text : nil
                continue
            }
            if question != nil { answer.append(line) }
        }
        flush()
        return result
    }

    static func jsonLD(_ markdown: Substring, renderer: MarkdownRenderer) -> String {
        let entities: [JSONLD] = questions(in: markdown).map { question, answer in
            .object([
                "@type": .string("Question"),
                "name": .string(question),
                "acceptedAnswer": .object(["@type": .string("Answer"), "text": .string(plainText(renderer.render(answer).html))]),
            ])
        }
        return JSONLD.document("FAQPage", ["mainEntity": .array(entities)]).serialized
    }

    /// Drops tags and decodes the few entities cmark emits; collapses white space.
    static func plainText(_ html: String) -> String {
        var text = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true; continue }
            if character == ">" { inTag = false; text.append(" "); continue }
            if !inTag { text.append(character) }
        }
        let decoded = text
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        return decoded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: " .", with: ".").replacingOccurrences(of: " ,", with: ",")
    }
}
