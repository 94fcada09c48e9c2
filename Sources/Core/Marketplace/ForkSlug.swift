/// The slug a fork gets by default: the template's, or with the first free `-2`, `-3`…
/// suffix (``NumberedSlug``) when the workspace already has a server by that name.
public enum ForkSlug {
    /// A server slug's longest (`SpecValidator`).
    public static let maxLength = 64
}
