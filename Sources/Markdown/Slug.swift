/// URL fragment ids derived from heading text, GitHub style: lower-case letters and
/// digits kept, spaces and hyphens become `-`, everything else dropped.
public enum Slug {
    public static func make(_ text: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingHyphen && !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.append(character)
            } else if character == " " || character == "-" || character == "_" {
                pendingHyphen = true
            }
        }
        return slug.isEmpty ? "section" : slug
    }
}

/// Hands out unique ids within one document: `setup`, `setup-1`, `setup-2`.
struct SlugRegistry {
    private var used: [String: Int] = [:]

    mutating func claim(_ base: String) -> String {
        guard let count = used[base] else {
            used[base] = 0
            return base
        }
        var n = count + 1
        while used["\(base)-\(n)"] != nil { n += 1 }
        used[base] = n
        used["\(base)-\(n)"] = 0
        return "\(base)-\(n)"
    }
}
