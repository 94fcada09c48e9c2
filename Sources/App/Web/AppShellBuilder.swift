import Core
import Crypto
import Foundation
import Vapor

/// Builds the chrome of signed-in pages.
enum AppShellBuilder {
    static func shell(_ req: Request, _ current: CurrentUser, active: SiteRoute) -> AppShell {
        let contact = current.user.email ?? current.user.phone ?? ""
        func tab(_ title: String, _ route: SiteRoute, _ icon: String) -> AppShell.Tab {
            AppShell.Tab(title: title, href: route.path, icon: icon, isCurrent: route == active)
        }
        var menu = [
            Link(title: "Profile", href: SiteRoute.settings.path),
            Link(title: "Billing", href: SiteRoute.billing().path, isCurrent: active == .billing()),
            Link(title: "Your data", href: SiteRoute.api(.accountExport).path),
            Link(title: "Support", href: "mailto:support@buildmymcpserver.com"),
        ]
        if current.user.isAdmin { menu.append(Link(title: "Admin", href: SiteRoute.admin.path, isCurrent: active == .admin)) }
        var shell = AppShell(
            homeHref: SiteRoute.dashboard.path,
            displayName: current.user.displayName,
            contact: contact,
            initial: String(current.user.displayName.first.map { String($0).uppercased() } ?? "?"),
            avatarClass: "avatar-\(avatarIndex(contact))",
            planName: current.plan.name,
            tabs: [
                tab("Overview", .dashboard, "home"),
                tab("Servers", .servers, "server"),
                tab("Create", .newServer, "plus"),
                tab("Templates", .templates, "grid"),
                tab("Audit", .audit, "list"),
                tab("Settings", .settings, "gear"),
            ],
            menu: menu,
            logoutAction: SiteRoute.logout.path,
            csrf: req.csrfToken(req.accounts.cookies)
        )
        shell.suspended = current.organization.suspendedAt != nil
        if current.organization.billingSuspendedAt != nil {
            shell.billingSuspension = Link(title: "Update the payment method", href: SiteRoute.billing(.overview).path)
        }
        return shell
    }

    static func avatarIndex(_ contact: String) -> Int {
        Int(Array(SHA256.hash(data: Data(contact.lowercased().utf8)))[0] % 8)
    }

    /// Renders a signed-in page inside the app shell.
    static func page<View: Encodable>(
        _ req: Request, _ current: CurrentUser, _ template: String, title: String, active: SiteRoute, _ view: View,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let site = req.site
        let meta = site.unlistedMeta(title: title, description: "Your BuildMyMCPServer workspace.")
        var layout = site.layout(meta, current: nil)
        layout.app = shell(req, current, active: active)
        return try await req.renderHTML(template, Page(layout: layout, page: view), status: status).noStore()
    }
}
