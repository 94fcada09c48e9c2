import Fluent
import Foundation
import Vapor

/// What a person is signing in for, read from where they go next, so the sign-in
/// page can say it: someone who clicked "Connect" in Claude Desktop and lands on a
/// sign-in form should see that finishing it connects Claude Desktop to their server.
enum SignInPurpose {
    /// A heading for the sign-in page, or nil for a plain sign-in.
    static func describe(next: String, _ req: Request) async throws -> String? {
        guard let components = URLComponents(string: next) else { return nil }
        switch components.path {
        case SiteRoute.oauth(.authorize).path, SiteRoute.oauth(.defaultAuthorize).path:
            return try await authorization(components.queryItems ?? [], req)
        case SiteRoute.invitation.path:
            return "Sign in to accept your invitation"
        default:
            return nil
        }
    }

    /// "Sign in to connect Claude Desktop to your MCP server". Only what is known without an
    /// outbound request: a registered client's name, or a metadata URL's host
    /// (its document is fetched only after sign-in).
    private static func authorization(_ items: [URLQueryItem], _ req: Request) async throws -> String {
        func value(_ name: String) -> String? { items.first { $0.name == name }?.value }
        var client = "an app"
        if let clientID = value("client_id") {
            if OAuthClients.isMetadataURL(clientID) {
                client = URL(string: clientID)?.host ?? client
            } else if let registered = try await OAuthClient.query(on: req.db).filter(\.$clientID == clientID).first() {
                client = registered.clientName
            }
        }
        // Not the server's name: this page is anyone's to open, and an endpoint's address goes to every client and
        // proxy, so its name (which may say more than its address) waits for the consent page, after sign-in,
        // where membership is checked. The protected-resource metadata is as generic.
        let urls = OAuthURLs(base: req.accounts.publicURL)
        guard let resource = value("resource"), urls.server(fromResource: resource) != nil else { return "Sign in to connect \(client)" }
        return "Sign in to connect \(client) to your MCP server"
    }
}
