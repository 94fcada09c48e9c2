import Core

/// The last step every drafter shares: the person's name and slug win over the model's,
/// then the spec must pass the validator and the scanner before anyone sees it.
public enum DraftFinisher {
    /// Finishes a spec the model gave as a JSON object (a tool call's input).
    public static func finish(specJSON: [UInt8], for request: DraftRequest, model: String) throws(DraftingError)
        -> DraftResult
    {
        try finish(SpecExtraction.decodeSpec(specJSON), for: request, model: model)
    }

    /// Finishes a spec the model wrote as text, possibly fenced or after a preamble.
    public static func finish(modelText: String, for request: DraftRequest, model: String) throws(DraftingError)
        -> DraftResult
    {
        try finish(SpecExtraction.spec(in: modelText), for: request, model: model)
    }

    public static func finish(_ drafted: ServerSpec, for request: DraftRequest, model: String) throws(DraftingError)
        -> DraftResult
    {
        var spec = drafted
        if let name = request.name, !name.isEmpty { spec.name = name }
        if let slug = request.slug, !slug.isEmpty { spec.slug = slug }
        do {
            try SpecValidator.check(spec)
        } catch {
            throw .specInvalid(error.summary)
        }
        // Drafts never see secret values, so there are none to look for; the scanner still
        // catches what the contract forbids in code and URLs.
        let findings = SpecScanner.findings(in: spec, secretValues: [])
        if !findings.isEmpty {
            let named = findings.map { $0.path.isEmpty ? $0.message : "\($0.path): \($0.message)" }
            throw .specInvalid("The draft was flagged: " + named.joined(separator: "; "))
        }
        return DraftResult(spec: spec, model: model)
    }
}
