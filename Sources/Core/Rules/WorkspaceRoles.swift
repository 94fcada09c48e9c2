/// Who may change a workspace, and the rule that it always keeps an owner.
public enum WorkspaceRole: String, Sendable, Codable, CaseIterable {
    case owner, member

    /// Only owners rename the workspace and manage its members.
    public func checkCanManage() throws(WorkspaceRuleViolation) {
        guard self == .owner else { throw .ownerRequired }
    }

    /// Removing someone with this role, when the workspace has `owners` owners.
    public func checkRemovable(owners: Int) throws(WorkspaceRuleViolation) {
        if self == .owner && owners <= 1 { throw .lastOwner }
    }
}

public enum WorkspaceRuleViolation: RuleViolation, Equatable {
    case ownerRequired
    case lastOwner

    public var kind: RuleViolationKind {
        switch self {
        case .ownerRequired: .forbidden
        case .lastOwner: .conflict
        }
    }

    public var code: String {
        switch self {
        case .ownerRequired: "owner_required"
        case .lastOwner: "last_owner"
        }
    }

    public var message: String {
        switch self {
        case .ownerRequired: "Only owners of this workspace can do that."
        case .lastOwner: "A workspace needs at least one owner."
        }
    }
}
