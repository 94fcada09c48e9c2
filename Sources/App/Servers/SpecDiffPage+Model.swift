/// A line diff of two specs: a drafted revision against the live one, or two versions.
struct SpecDiffView: Encodable {
    struct Line: Encodable {
        let kind: String
        let marker: String
        let text: String
    }

    let title: String
    let lede: String
    let serverName: String
    let backHref: String
    let lines: [Line]
    let added: Int
    let removed: Int
    let buildAction: String?
    let csrf: String
}
