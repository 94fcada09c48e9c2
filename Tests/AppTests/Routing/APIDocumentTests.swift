@testable import App
import Foundation
import Testing
import Vapor

@Suite("The OpenAPI document")
struct APIDocumentTests {
    @Test("every /v1 route is documented with its method, and every documented operation is a route")
    func documentMatchesRoutes() async throws {
        // given
        let document = try Self.document()
        let documented = Set(document.operations.map { Self.operation($0.method, $0.path) })
        try await withConfiguredApp(try testConfig()) { app in
            // when
            let registered = Set(app.routes.all.map { Self.operation($0.method.rawValue, "/" + $0.path.map(\.description).joined(separator: "/")) })
            let api = registered.filter { $0.contains(" /v1/") }
            // then
            #expect(api.count > 40)
            #expect(api.subtracting(documented).isEmpty, "registered but not documented: \(api.subtracting(documented).sorted())")
            #expect(documented.subtracting(registered).isEmpty, "documented but not registered: \(documented.subtracting(registered).sorted())")
        }
    }

    @Test("the document is what /openapi.json serves, as cacheable JSON")
    func served() async throws {
        // given
        let text = try String(contentsOfFile: packageRoot + "/Content/" + APIDocument.fileName, encoding: .utf8)
        try await withConfiguredApp(try testConfig()) { app in
            // when
            let response = try await get(app, SiteRoute.openAPI.path)
            // then
            #expect(response.status == .ok)
            #expect(response.headers.contentType == .json)
            #expect(response.headers.first(name: .cacheControl)?.contains("max-age") == true)
            #expect(response.body.string == text)
        }
    }

    @Test("every error answer documents its codes, and every operation has an id, a tag and a summary")
    func errorsAreEnumerated() throws {
        // given
        let document = try Self.document()
        // when
        let unnamed = document.operations.filter { $0.summary.isEmpty || !document.tags.contains($0.tag) }
        let jsonErrors = document.operations.filter { $0.path.hasPrefix("/v1/") }.flatMap { operation in
            operation.responses.filter { $0.status.hasPrefix("4") || $0.status.hasPrefix("5") }.map { (operation, $0) }
        }
        let withoutCodes = jsonErrors.filter { $0.1.codes.isEmpty && $0.1.schema == "Error" }.map { "\($0.0.method) \($0.0.path) \($0.1.status)" }
        // then
        #expect(unnamed.isEmpty)
        #expect(jsonErrors.count > 100)
        #expect(withoutCodes.isEmpty, "error answers without codes: \(withoutCodes)")
    }

    @Test("the API reference page lists every operation from the document")
    func referencePage() async throws {
        // given
        let document = try Self.document()
        try await withConfiguredApp(try testConfig()) { app in
            // when
            let response = try await get(app, SiteRoute.docs(path: .value("api")).path)
            // then
            #expect(response.status == .ok)
            let html = response.body.string
            for operation in document.operations {
                #expect(html.contains("\(operation.method) \(operation.path)"), "\(operation.method) \(operation.path) is not on the page")
            }
            #expect(html.contains("id=\"schema-server\""))
        }
    }

    static func document() throws -> APIDocument {
        try APIDocument(text: String(contentsOfFile: packageRoot + "/Content/" + APIDocument.fileName, encoding: .utf8))
    }

    /// `GET /v1/servers/{}`: path parameters named differently (`:server`, `{server}`) compare equal.
    static func operation(_ method: String, _ path: String) -> String {
        let normalised = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) ? "{}" : String(segment)
        }.joined(separator: "/")
        return method + " " + normalised
    }
}
