/// View model of a fork's update page: the line diff of spec and code against its
/// active version, and the form that applies it (asking for any new secret).
struct TemplateUpdateView: Encodable {
    struct Line: Encodable {
        let kind: String
        let marker: String
        let text: String
    }

    struct Secret: Encodable {
        let key: String
        let field: String
        let description: String
        let linkHref: String?
        let error: String?
    }

    let title: String
    let lede: String
    let serverName: String
    let backHref: String
    let available: Bool
    let specLines: [Line]
    let codeLines: [Line]
    let added: Int
    let removed: Int
    let newSecrets: [Secret]
    let hasNewSecrets: Bool
    let action: String
    let csrf: String
    let error: String?
}

/// The banner on a fork's page when its template has a newer version.
struct TemplateUpdateBanner: Encodable {
    let text: String
    let href: String
}
