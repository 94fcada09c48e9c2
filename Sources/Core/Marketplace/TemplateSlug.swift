/// A template's slug: the last part of `/templates/{slug}`, made from its title.
/// Lowercase ASCII letters and digits joined by single dashes, so a slug reads well in
/// a link and never needs escaping; the database's unique index has the last word.
public enum TemplateSlug {
    public static let maxLength = 60

    /// `title` as a slug (`LatinSlug`); "template" when nothing is left.
    public static func make(from title: String) -> String {
        let slug = LatinSlug.make(from: title, maxLength: maxLength)
        return slug.isEmpty ? "template" : slug
    }

    /// The `n`th candidate for `base`: `base`, then `base-2`, `base-3`…, always at most
    /// `maxLength` characters.
    public static func candidate(_ base: String, _ n: Int) -> String {
        NumberedSlug.candidate(base, n, maxLength: maxLength)
    }
}
