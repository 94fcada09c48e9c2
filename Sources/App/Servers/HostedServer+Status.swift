import Foundation

extension HostedServer.Status {
    var label: String {
        switch self {
        case .draft: "Draft"
        case .building: "Building"
        case .active: "Live"
        case .failed: "Build failed"
        }
    }
}
