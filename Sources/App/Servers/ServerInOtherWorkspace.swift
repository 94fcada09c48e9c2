import Fluent
import Vapor

/// A server page opened while the browser works in another of the person's workspaces (a link a teammate
/// shared, a bookmark from before a switch). The plain 404 would say the server does not exist; this one
/// names the workspace it is in and offers to switch there and open it. Only for members of that workspace:
/// anyone else gets the plain 404, which names nothing.
struct ServerInOtherWorkspace: AbortError {
    let serverName: String
    let workspaceID: UUID
    let workspaceName: String
    /// The workspace this browser works in now.
    let currentName: String
    /// The page asked for, to open once switched.
    let path: String

    var status: HTTPResponseStatus { .notFound }
    var reason: String {
        "“\(serverName)” is in your workspace “\(workspaceName)”; this browser is working in “\(currentName)”."
    }
}

/// Turns the server pages' 404 into `ServerInOtherWorkspace` where that is the reason.
struct OtherWorkspaceServerPages: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as APIError where error.code == "server_not_found" && request.method == .GET {
            guard let current = request.auth.get(CurrentUser.self), current.session != nil,
                  let id = request.parameter(.server, as: UUID.self),
                  let server = try await HostedServer.find(id, on: request.db),
                  server.$organization.id != current.organization.id,
                  try await Membership.exists(user: current.user.id!, organization: server.$organization.id, on: request.db),
                  let workspace = try await Organization.find(server.$organization.id, on: request.db),
                  let path = request.ownPage()
            else { throw error }
            throw ServerInOtherWorkspace(serverName: server.name, workspaceID: workspace.id!, workspaceName: workspace.name,
                                         currentName: current.organization.name, path: path)
        }
    }
}
