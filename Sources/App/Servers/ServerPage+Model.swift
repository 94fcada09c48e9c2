/// View model of a server's page.
struct ServerPageView: Encodable {
    struct LogLine: Encodable {
        let level: String
        let message: String
    }

    struct Snippet: Encodable {
        let id: String
        let title: String
        let hint: String
        let code: String
        let href: String?
    }

    struct ToolInfo: Encodable {
        let name: String
        let description: String
        let schema: String
        let isSelected: Bool
        /// The Playground with this tool chosen.
        let playgroundHref: String
    }

    struct CallRow: Encodable {
        let at: String
        let tool: String
        let outcome: String
        let outcomeClass: String
        let duration: String
        let error: String?
    }

    struct SecretRow: Encodable {
        let key: String
        let description: String
        let isSet: Bool
    }

    struct VersionRow: Encodable {
        let number: Int
        let diffHref: String
        let created: String
        let isActive: Bool
        let rollbackAction: String?
    }

    /// A link in the tab row; `anchors` lists the old single-page section ids it now holds.
    struct TabLink: Encodable {
        let href: String
        let title: String
        let isCurrent: Bool
        let anchors: String
    }

    struct PlaygroundResult: Encodable {
        let text: String
        let isError: Bool
        let logs: [String]
        let duration: String
    }

    let csrf: String
    /// The tab shown (`ServerTab`'s raw value); the template shows only its sections.
    let tab: String
    let tabs: [TabLink]
    /// Shown as wizard step 3 right after Build.
    let fromWizard: Bool
    let id: String
    let name: String
    let slug: String
    let description: String
    let status: String
    let statusClass: String
    let isBuilding: Bool
    /// A build succeeded once: clients have something to connect to.
    let hasLiveVersion: Bool
    let endpoint: String
    /// The running build's log stream, followed live on Overview.
    let buildLogHref: String?
    /// The live call tail, on the first page of Logs only.
    let callsStreamHref: String?
    /// Logs pages, newest first.
    let callsPage: Int
    /// The page's length: the live rows keep the first page at it, so the next page starts where this one ends.
    let callsPerPage: Int
    let olderCallsHref: String?
    let newerCallsHref: String?
    let buildStatus: String?
    let buildLines: [LogLine]
    /// The version the endpoint serves, which a rollback may have made another than the latest build's.
    let liveVersion: Int?
    let versionsHref: String
    /// Said beside the latest build's log when that build's version is no longer the one live.
    let rolledBackNote: String?
    let snippets: [Snippet]
    let tokensHref: String
    /// Creates an `mcp`-scoped token and shows the snippets with it filled in.
    let installTokenAction: String
    /// The token just created for the snippets: shown this once.
    let installToken: String?
    let tools: [ToolInfo]
    let playgroundAction: String
    /// The `FormOnce` value of this page's Run and install-token forms: a reload of the answer acts no second time.
    var once = ""
    let playgroundTool: String
    let playgroundFields: [PlaygroundForm.Field]
    let selectAction: String
    let playgroundArguments: String
    let playground: PlaygroundResult?
    let calls: [CallRow]
    let secrets: [SecretRow]
    /// Overview's warning when the live version declares secrets that have no value: its tools that read
    /// them fail until they are set.
    let missingSecrets: MissingSecrets?

    struct MissingSecrets: Encodable {
        let text: String
        let href: String

        /// Nil when nothing is missing.
        init?(missing keys: [String], href: String) {
            guard !keys.isEmpty else { return nil }
            let names = keys
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            text = "\(list) \(keys.count == 1 ? "has" : "have") no value yet: tools that read \(keys.count == 1 ? "it" : "them") fail until \(keys.count == 1 ? "it is" : "they are") set."
            self.href = href
        }
    }
    let secretAction: String
    /// Secrets stored for this server that neither the live version nor the build asked for declares (kept from
    /// an earlier version): never given to the code, and deletable.
    let unusedSecrets: [String]
    let versions: [VersionRow]
    let deleteAction: String
    /// A refused deletion: what was typed, and why, shown at the confirmation field.
    let deleteConfirm: String
    let deleteError: String?
    let iterateAction: String
    let settingsAction: String
    /// The version live when the page was made, sent back by the forms that build on it (Settings, the hand edit),
    /// so a save from a page opened before another version went live is refused instead of undoing it.
    let baseVersion: String
    /// The Settings tab's fields: as stored, or as typed when the form was refused.
    let settingsName: String
    let domains: String
    /// A refused Iterate request, typed again into its box.
    let iterateChange: String
    /// The Versions tab's hand edit: the live spec as JSON, or the refused text as typed, with
    /// every problem found in it.
    let specAction: String
    let specText: String
    let specProblems: [String]
    let drafterLabel: String
    /// The marketplace: a link to the Publish page, or the wizard's "Share as template" box.
    let publish: PublishSectionView
    let notice: String?
    let error: String?
    /// "Update available from <template> vN" on a fork whose template has moved on.
    let templateUpdate: TemplateUpdateBanner?
    /// Set on a fork whose marketplace template was taken down.
    let takedown: TakedownBannerView?
    /// The tab's own script, if it needs one.
    let script: String?
}
