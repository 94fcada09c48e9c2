import Vapor

/// Moderation: the administrators' queue and actions at `/admin/templates`, and the
/// report form and API every signed-in person can use on a public template.
struct ModerationRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let routes = routes.grouped(accounts)
        let admin = routes.grouped(AdminRequired())
        admin.get(.adminTemplates, use: ModerationController.page)
        for action in AdminTemplateAction.allCases {
            admin.post(.adminTemplate(.key, action)) { try await ModerationController.act($0, action) }
        }

        // The form's GET sends a signed-out visitor to sign in and back to this template's form.
        routes.get(.template(.key, .report), use: ReportPageController.form)
        routes.grouped(SignInRequired.unauthorized).post(.template(.key, .report), use: ReportPageController.file)
        routes.grouped(SignInRequired.unauthorized).post(.api(.templateReports(.key)), use: TemplateReportAPIController.create)
    }
}
