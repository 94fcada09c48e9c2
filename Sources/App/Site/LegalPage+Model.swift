struct LegalView: Encodable {
    let title: String
    let description: String
    let html: String
    let toc: [TOCEntry]
    /// "Contents" in the document's language.
    let tocTitle: String
}
