/// Which exported files get `.gz` and `.br` siblings, and how hard Brotli works on them.
/// A static host that serves siblings (nginx's `gzip_static` and `brotli_static`) then
/// sends every text file compressed without compressing anything per request.
enum PrecompressedFile {
    /// Text: pages, styles, scripts, feeds, the search index, the manifest, SVG icons.
    /// PNG icons are compressed already.
    static let textExtensions: Set<String> = ["html", "css", "js", "mjs", "json", "xml", "txt", "svg", "webmanifest"]

    /// The assets are a handful of files every page loads: worth Brotli's slowest, smallest setting.
    static let assetQuality: Int32 = 11
    /// Pages can number tens of thousands: quality 5 compresses about as fast as gzip and still
    /// smaller (quality 11 takes some hundred times longer for another ~10%).
    static let pageQuality: Int32 = 5

    static func isText(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return textExtensions.contains(String(path[path.index(after: dot)...]).lowercased())
    }
}
