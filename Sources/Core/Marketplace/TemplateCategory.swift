/// The fixed list of marketplace categories. A fixed list keeps the filter short and
/// every template findable; a new category is a code change, reviewed like one.
public enum TemplateCategory: String, CaseIterable, Codable, Sendable {
    case developerTools = "developer-tools"
    case productivity
    case data
    case communication
    case finance
    case marketing
    case devops
    case knowledge
    case entertainment
    case other

    public var label: String {
        switch self {
        case .developerTools: "Developer tools"
        case .productivity: "Productivity"
        case .data: "Data & analytics"
        case .communication: "Communication"
        case .finance: "Finance"
        case .marketing: "Marketing & sales"
        case .devops: "DevOps & cloud"
        case .knowledge: "Knowledge & search"
        case .entertainment: "Fun & entertainment"
        case .other: "Other"
        }
    }
}
