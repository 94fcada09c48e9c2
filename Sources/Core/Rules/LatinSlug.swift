import Foundation

/// Text as a slug for an address: other scripts written in Latin letters first ("Погода" is "pogoda",
/// "날씨" is "nalssi"), accents folded away, lowercase ASCII letters and digits kept and everything else
/// one dash between them. Template slugs and the offline drafter's server slugs are both made here, so a
/// title in any script reads the same way in either address.
public enum LatinSlug {
    /// At most `maxLength` characters, never starting or ending with a dash; empty when nothing is left
    /// (a title of emoji or punctuation), for the caller to choose its own fallback.
    public static func make(from text: String, maxLength: Int) -> String {
        let latin = text.applyingTransform(.toLatin, reverse: false) ?? text
        let folded = latin.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        var slug = ""
        var pendingDash = false
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !slug.isEmpty { slug.append("-") }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
                if slug.count >= maxLength { break }
            } else {
                pendingDash = true
            }
        }
        slug = String(slug.prefix(maxLength))
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }
}
