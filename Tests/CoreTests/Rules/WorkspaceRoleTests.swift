import Core
import Testing

@Suite("Workspace roles")
struct WorkspaceRoleTests {
    @Test("only owners manage the workspace")
    func manage() {
        #expect(throws: Never.self) { try WorkspaceRole.owner.checkCanManage() }
        #expect(throws: WorkspaceRuleViolation.ownerRequired) { try WorkspaceRole.member.checkCanManage() }
        #expect(WorkspaceRuleViolation.ownerRequired.kind == .forbidden)
    }

    @Test("a workspace keeps at least one owner", arguments: [
        (WorkspaceRole.owner, 1, false),
        (.owner, 2, true),
        (.member, 1, true),
        (.member, 0, true),
    ])
    func removal(role: WorkspaceRole, owners: Int, removable: Bool) {
        if removable {
            #expect(throws: Never.self) { try role.checkRemovable(owners: owners) }
        } else {
            #expect(throws: WorkspaceRuleViolation.lastOwner) { try role.checkRemovable(owners: owners) }
            #expect(WorkspaceRuleViolation.lastOwner.code == "last_owner")
            #expect(WorkspaceRuleViolation.lastOwner.kind == .conflict)
        }
    }
}
