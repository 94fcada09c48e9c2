struct OfflineView: Encodable {
    let homeHref: String
}
