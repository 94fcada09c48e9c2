/// A signed-in browser named the way its owner would recognise it ("Firefox on Windows"),
/// from the User-Agent header it signed in with. Only a label: nothing is decided on it.
enum BrowserName {
    static func of(userAgent: String?) -> String {
        guard let userAgent, !userAgent.isEmpty else { return "Unknown browser" }
        guard let browser = browser(userAgent) else { return program(userAgent) ?? "Unknown browser" }
        return system(userAgent).map { "\(browser) on \($0)" } ?? browser
    }

    /// Most browsers name several engines for compatibility ("… Chrome/131 Safari/537"), so the
    /// most specific token is looked for first.
    private static func browser(_ userAgent: String) -> String? {
        let tokens: [(token: String, name: String)] = [
            ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
            ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
        ]
        if let match = tokens.first(where: { userAgent.contains($0.token) }) { return match.name }
        if userAgent.contains("Safari/") && userAgent.contains("Version/") { return "Safari" }
        return nil
    }

    private static func system(_ userAgent: String) -> String? {
        let systems: [(token: String, name: String)] = [
            ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"), ("Windows", "Windows"),
            ("Macintosh", "macOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"),
        ]
        return systems.first { userAgent.contains($0.token) }?.name
    }

    /// A program that is no browser (`curl/8.5.0`, `python-requests/2.32`): its own name, if it gives a plain one.
    private static func program(_ userAgent: String) -> String? {
        let name = userAgent.prefix { $0 != "/" && $0 != " " }
        let plain = !name.isEmpty && name.count <= 40 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        return plain ? String(name) : nil
    }
}
