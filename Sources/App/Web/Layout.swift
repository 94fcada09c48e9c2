/// What every page's base layout (`Views/base.leaf`) reads. A page renders as
/// `Page(layout:page:)`: templates use `layout.*` for chrome and `page.*` for content.
struct Page<Content: Encodable>: Encodable {
    let layout: Layout
    let page: Content
}

struct Layout: Encodable {
    let site: SiteInfo
    let meta: PageMeta
    /// Header navigation, in order.
    let nav: [Link]
    let footer: [FooterColumn]
    let assets: AssetURLs
    let account: AccountLinks
    /// The signed-in shell (app navigation, user menu, phone tab bar); `nil` on
    /// public pages, which must be the same for everyone.
    var app: AppShell? = nil
    /// The development reload script; `nil` in production and in the static export.
    var developmentReload: DevelopmentReloadScript? = nil
}

struct AppShell: Encodable {
    struct Tab: Encodable {
        let title: String
        let href: String
        let icon: String
        let isCurrent: Bool
    }
    let homeHref: String
    let displayName: String
    let contact: String
    let initial: String
    /// `avatar-0` … `avatar-7`, chosen from a hash of the email or phone, so the
    /// colour stays the same everywhere (a class: the CSP allows no inline styles).
    let avatarClass: String
    let planName: String
    let tabs: [Tab]
    let menu: [Link]
    let logoutAction: String
    let csrf: String
    /// Shown on every signed-in page while failed payments pause creation and builds.
    var billingSuspension: Link? = nil
    /// Whether an administrator suspended the workspace: every signed-in page says so, not only a refused change.
    var suspended = false
}

/// Header links for signing in. Public pages are the same for everyone (they are
/// cached and exported), so site.js swaps in "Dashboard" for signed-in visitors.
struct AccountLinks: Encodable {
    let signInHref: String
    let startHref: String
    let dashboardHref: String
    let meHref: String
}

struct SiteInfo: Encodable {
    let name: String
    let homeHref: String
    let statusHref: String
    let year: Int
}

struct PageMeta: Encodable {
    /// Full `<title>` text, already including the site name where wanted.
    let title: String
    let description: String
    /// Absolute canonical URL; `nil` for pages that must not be indexed (404, offline).
    let canonicalURL: String?
    let openGraphType: String
    let openGraphImageURL: String
    /// `lang` attribute of `<html>`.
    let language: String
    /// JSON-LD documents, already serialized and safe to embed in a `<script>` element.
    let jsonLD: [String]
    let noIndex: Bool
    /// Script modules this page needs beyond the site-wide one.
    let scripts: [String]
    let feedHref: String?
    /// The same page in other languages (`<link rel="alternate" hreflang>`).
    var alternates: [PageAlternate] = []
}

struct PageAlternate: Encodable {
    let language: String
    let href: String
}

struct Link: Encodable {
    let title: String
    let href: String
    /// True when this link points at the page being shown (rendered with `aria-current="page"`).
    let isCurrent: Bool
    /// The language of the page it leads to, when that is not the site's English.
    let language: String?

    init(title: String, href: String, isCurrent: Bool = false, language: String? = nil) {
        self.title = title
        self.href = href
        self.isCurrent = isCurrent
        self.language = language
    }
}

struct FooterColumn: Encodable {
    let title: String
    let links: [Link]
}

/// Fingerprinted URLs of the files in `Public/`.
struct AssetURLs: Encodable {
    let css: String
    let siteJS: String
    /// The main calls to action's press glow.
    let glowJS: String
    let iconSVG: String
    let icon192: String
    /// Open Graph image and the largest PWA icon.
    let icon512: String
    let manifest: String
}
