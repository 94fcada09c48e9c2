import Core

extension CurrentUser {
    /// 402 `billing_suspended` while failed payments pause new servers, drafts and builds (`BillingSuspension`).
    func checkBillingStanding() throws {
        do { try BillingSuspension(suspendedAt: organization.billingSuspendedAt).checkCreation() } catch { throw APIError(error) }
    }
}
