import Core
import Fluent
import Foundation

/// What a takedown does to the servers forked from a template: their endpoints answer
/// 410 until their owner rebuilds them from a spec they edited, which detaches them.
/// The template's own source server is not a fork and keeps running: its owner wrote
/// the code, and a moderator's quarrel is with the listing, not their private server.
enum TemplateTakedown {
    static let code = "template_taken_down"

    /// The answer every MCP request to a fork of a taken-down template gets.
    static func endpointStopped(templateOf server: HostedServer, on database: any Database) async throws -> APIError {
        var template: Template?
        if let id = server.templateID { template = try await Template.find(id, on: database) }
        return endpointStopped(title: template?.title, reason: template?.takedownReason)
    }

    static func endpointStopped(title: String?, reason: String?) -> APIError {
        let name = title.map { "“\($0)”" } ?? "it was forked from"
        return APIError(.gone, code, "This server is stopped: the marketplace template \(name) was taken down by the moderators"
            + (reason.map { " (\($0))" } ?? "") + ". Its owner can rebuild it from an edited spec with Iterate on the server's page.")
    }

    /// The servers forked from `template`, whose endpoints a takedown stops.
    static func forks(of template: UUID, on database: any Database) async throws -> [UUID] {
        try await HostedServer.query(on: database).filter(\.$templateID == template).all(\.$id)
    }

    /// The servers among `servers` forked from a template the moderators took down: their endpoints
    /// answer 410 until rebuilt, whatever their build status says. One query for a whole list.
    static func stopped(among servers: [HostedServer], on database: any Database) async throws -> Set<UUID> {
        let templates = Set(servers.compactMap(\.templateID))
        guard !templates.isEmpty else { return [] }
        let takenDown = Set(try await Template.query(on: database).filter(\.$id ~~ Array(templates)).filter(\.$status == .takedown)
            .all(\.$id))
        return Set(servers.filter { $0.templateID.map(takenDown.contains) ?? false }.compactMap(\.id))
    }

    /// Whether `spec` is more than the taken-down template version's tools under another
    /// name: only a change to the tools themselves (code, schemas, names) frees a fork.
    static func isEdited(_ spec: ServerSpec, from templateVersion: TemplateVersion?) -> Bool {
        guard let templateVersion, let published = try? SpecJSON.decode(templateVersion.specJSON) else { return true }
        return spec.tools != published.tools
    }

    /// The taken-down template `server` was forked from, if it was; nil for everything else.
    static func takenDownTemplate(of server: HostedServer, on database: any Database) async throws -> Template? {
        guard let id = server.templateID, let template = try await Template.find(id, on: database), template.status == .takedown else {
            return nil
        }
        return template
    }

    /// Whether `spec` has the tools of any version of `template`: not only the one the fork took last, since a
    /// fork's older versions hold the template's earlier tools, and rebuilding from one must not bring them back.
    private static func hasToolsOfAnyVersion(of template: Template, _ spec: ServerSpec, on database: any Database) async throws -> Bool {
        let versions = try await TemplateVersion.query(on: database).filter(\.$template.$id == template.requireID()).all()
        return versions.contains { !isEdited(spec, from: $0) }
    }

    /// Refuses to queue a rebuild of a stopped fork that would only bring the taken-down tools back.
    static func checkRebuild(_ server: HostedServer, spec: ServerSpec, on database: any Database) async throws {
        guard let template = try await takenDownTemplate(of: server, on: database) else { return }
        guard try await !hasToolsOfAnyVersion(of: template, spec, on: database) else {
            throw APIError(.unprocessableEntity, "takedown_spec_unchanged",
                           "The template this server was forked from was taken down. Change its tools (describe a change under Iterate) before rebuilding.")
        }
    }

    /// Refuses to make a version live again whose tools are a taken-down template's (a
    /// rebuilt fork rolling back to what it ran before the takedown). The template's own
    /// source server is exempt, as it is from the takedown. Rollbacks are rare, taken-down
    /// templates few: the check reads them all and compares tool by tool.
    static func checkActivation(_ server: HostedServer, spec: ServerSpec, on database: any Database) async throws {
        guard let template = try await takenDownTemplate(runningToolsOf: spec, except: server.id, on: database) else { return }
        throw APIError(.unprocessableEntity, "takedown_version",
                       "This version runs the tools of “\(template.title)”, which the moderators took down. Build an edited version instead.")
    }

    /// Refuses to publish (a template or a version) tools a taken-down template had: a takedown would
    /// otherwise be undone by publishing the same code again under a new name. Its own source server
    /// included, since a takedown is final for its owner.
    static func checkPublish(_ spec: ServerSpec, on database: any Database) async throws {
        guard let template = try await takenDownTemplate(runningToolsOf: spec, except: nil, on: database) else { return }
        throw APIError(.unprocessableEntity, "takedown_spec",
                       "These tools are those of “\(template.title)”, which the moderators took down; they cannot be published again. Publish edited tools instead.")
    }

    /// A taken-down template one of whose versions has `spec`'s tools, other than the one published from `server`.
    private static func takenDownTemplate(runningToolsOf spec: ServerSpec, except server: UUID?, on database: any Database) async throws -> Template? {
        // Every version of every taken-down template: `toolNames` holds only the latest version's tools, and an
        // earlier version with other tools is taken down as much as the latest.
        let candidates = try await Template.query(on: database).filter(\.$status == .takedown).all().filter {
            server == nil || $0.sourceServerID != server
        }
        guard !candidates.isEmpty else { return nil }
        let versions = try await TemplateVersion.query(on: database).filter(\.$template.$id ~~ candidates.map { $0.id! }).all()
        guard let match = versions.first(where: { !isEdited(spec, from: $0) }) else { return nil }
        return candidates.first { $0.id == match.$template.id }
    }

    /// Called when a build of `server` goes live with `spec`: a fork of a taken-down template
    /// whose tools were edited leaves the template (and serves again); one whose build only
    /// brought back the published tools (queued before the takedown) stays stopped.
    static func detachIfRebuilt(_ server: HostedServer, spec: ServerSpec, on database: any Database) async throws {
        guard let template = try await takenDownTemplate(of: server, on: database) else { return }
        guard try await !hasToolsOfAnyVersion(of: template, spec, on: database) else { return }
        server.templateID = nil
        server.templateVersionID = nil
    }
}
