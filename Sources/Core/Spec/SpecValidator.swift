/// Checks a spec against the contract. Placeholder until the validator lands.
public enum SpecValidator {
    public static func problems(in spec: ServerSpec) -> [SpecProblem] {
        []
    }
}
