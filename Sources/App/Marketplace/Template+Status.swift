extension Template.Status {
    /// How the status reads on badges: the Publish tab, the edit page and the Mine view.
    var label: String {
        switch self {
        case .public: "Public"
        case .hidden: "Hidden"
        case .draft: "Draft"
        case .takedown: "Taken down"
        }
    }

    /// The badge colours the server statuses use, reused.
    var badgeClass: String {
        switch self {
        case .public: "status-active"
        case .hidden: "badge-warn"
        case .draft: "status-building"
        case .takedown: "status-failed"
        }
    }
}
