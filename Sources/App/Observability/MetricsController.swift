import Vapor

/// `GET /metrics`: the Prometheus text exposition of this instance. Anyone not allowed
/// by `MetricsAccess` gets the same 404 as an unknown path.
enum MetricsController {
    static func scrape(_ req: Request) async throws -> Response {
        guard MetricsAccess.allows(req) else { throw Abort(.notFound) }
        let text = await req.application.metrics.scrape(req.application)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        headers.cacheControl = .init(noStore: true)
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
