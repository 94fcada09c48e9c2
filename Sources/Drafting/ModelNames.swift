/// How a provider's model id is shown in the wizard.
public enum ModelNames {
    /// "claude-sonnet-4-5" ⇒ "Claude Sonnet", "glm-4.5-air" ⇒ "GLM-4.5-Air"; other ids as they are.
    public static func displayName(forModel model: String) -> String {
        let id = model.lowercased()
        if id.hasPrefix("claude-") {
            for family in ["haiku", "sonnet", "opus"] where id.split(separator: "-").contains(Substring(family)) {
                return "Claude " + family.prefix(1).uppercased() + family.dropFirst()
            }
        }
        if id.hasPrefix("glm-") {
            let rest = id.dropFirst("glm-".count).split(separator: "-", omittingEmptySubsequences: false)
            return (["GLM"] + rest.map { $0.prefix(1).uppercased() + $0.dropFirst() }).joined(separator: "-")
        }
        return model
    }
}
