import Vapor

/// Records every 403 and 404 a signed-in caller gets on the account's routes, so the
/// audit log shows someone probing another workspace's servers, drafts, tokens or
/// members (which answer 404, as if they did not exist) and refused changes.
struct RefusalAudit: AsyncMiddleware {
    static let statuses: Set<HTTPStatus> = [.forbidden, .notFound]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch let error as any AbortError where Self.statuses.contains(error.status) {
            await record(request, status: error.status, code: (error as? APIError)?.code)
            throw error
        }
        if Self.statuses.contains(response.status) {
            await record(request, status: response.status, code: nil)
        }
        return response
    }

    /// Never fails the request: a refusal stays a refusal even if the log cannot be written.
    private func record(_ request: Request, status: HTTPStatus, code: String?) async {
        guard let current = request.currentUser else { return }
        var metadata = ["status": String(status.code), "method": request.method.rawValue, "path": String(request.url.path.prefix(200))]
        if let code { metadata["error"] = code }
        do {
            try await request.auditLog().record("access.refused", organization: current.organization.id, actor: current.user.id, metadata: metadata)
        } catch {
            request.logger.warning("could not record a refusal in the audit log: \(String(describing: error))")
        }
    }
}
