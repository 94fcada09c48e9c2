@testable import App
import Core
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

    @Test("every response link names an operation, fills exactly its path parameters, and reads what the answer and request hold")
    func linksResolve() throws {
        // given
        let root = try Self.root()
        let paths = Self.members(root["paths"])
        let schemas = try #require(root["components"]?["schemas"])
        var targets: [String: Set<String>] = [:]
        for (path, item) in paths {
            for operation in Self.members(item).values {
                if let id = operation["operationId"]?.stringValue { targets[id] = Self.pathParameters(path) }
            }
        }
        // when
        var links = 0
        var problems: [String] = []
        for (path, item) in paths {
            for (method, operation) in Self.members(item) {
                for (status, response) in Self.members(operation["responses"]) {
                    let reference = response["content"]?["application/json"]?["schema"]?["$ref"]?.stringValue ?? ""
                    let properties = Self.members(schemas[String(reference.split(separator: "/").last ?? "")]?["properties"])
                    for (name, link) in Self.members(response["links"]) {
                        links += 1
                        problems += Self.problems(of: link, named: "\(method.uppercased()) \(path) \(status) → \(name)", targets: targets,
                                                  body: (reference, Set(properties.keys)), path: path)
                    }
                }
            }
        }
        // then
        #expect(links >= 12)
        #expect(problems.isEmpty, "\(problems)")
    }

    /// What is wrong with one response link: an unknown operation, path parameters it does not fill
    /// exactly, or an expression reading a property the response `body` schema lacks or a parameter `path` lacks.
    private static func problems(of link: JSONValue, named label: String, targets: [String: Set<String>],
                                 body: (reference: String, properties: Set<String>), path: String) -> [String] {
        guard let target = link["operationId"]?.stringValue, let wanted = targets[target] else { return ["\(label): no such operation"] }
        let given = members(link["parameters"])
        var problems = Set(given.keys) == wanted ? [] : ["\(label): gives \(given.keys.sorted()), \(target) takes \(wanted.sorted())"]
        for (parameter, expression) in given {
            let value = expression.stringValue ?? ""
            if value.hasPrefix("$response.body#/") {
                if !body.properties.contains(String(value.dropFirst("$response.body#/".count))) {
                    problems.append("\(label): \(parameter) reads \(value), which \(body.reference) does not have")
                }
            } else if value.hasPrefix("$request.path.") {
                if !pathParameters(path).contains(String(value.dropFirst("$request.path.".count))) {
                    problems.append("\(label): \(parameter) reads \(value), which \(path) does not have")
                }
            } else {
                problems.append("\(label): \(parameter) is not a response-body or request-path expression")
            }
        }
        return problems
    }

    @Test("the template categories a request may name are exactly the marketplace's categories")
    func categoriesMatch() throws {
        // given
        let schemas = try #require(try Self.root()["components"]?["schemas"])
        // when
        let documented = ["PublishTemplate", "TemplateListing"].map { name in
            (schemas[name]?["properties"]?["category"]?["enum"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        // then
        for categories in documented {
            #expect(categories == TemplateCategory.allCases.map(\.rawValue))
        }
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

    /// The whole document as JSON, for what `APIDocument` does not model (links, enums).
    static func root() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(try document().text.utf8))
    }

    /// An object's members; none for anything else or nothing.
    static func members(_ value: JSONValue?) -> [String: JSONValue] {
        value?.objectValue ?? [:]
    }

    /// `{server}` and `{build}` in `/v1/servers/{server}/builds/{build}/log`.
    static func pathParameters(_ path: String) -> Set<String> {
        Set(path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) })
    }

    /// `GET /v1/servers/{}`: path parameters named differently (`:server`, `{server}`) compare equal.
    static func operation(_ method: String, _ path: String) -> String {
        let normalised = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) ? "{}" : String(segment)
        }.joined(separator: "/")
        return method + " " + normalised
    }
}
