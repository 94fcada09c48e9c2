/// View model of a template's report form, `/templates/{slug}/report`.
struct ReportView: Encodable {
    struct ReasonOption: Encodable {
        let value: String
        let label: String
        let isSelected: Bool
    }

    let templateTitle: String
    let templateHref: String
    let action: String
    let csrf: String
    let reasons: [ReasonOption]
    let text: String
    let maxText: Int
    let error: String?
    /// The date of the person's earlier report: the form is replaced by a note.
    let reportedOn: String?
    /// Just filed (after the redirect).
    let isThanks: Bool
}
