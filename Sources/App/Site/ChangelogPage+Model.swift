struct ChangelogView: Encodable {
    struct Entry: Encodable {
        let anchor: String
        let title: String
        /// ISO date for `<time datetime>`.
        let date: String
        let dateLabel: String
        let tags: [String]
        let html: String
    }
    let entries: [Entry]
    let feedHref: String
}
