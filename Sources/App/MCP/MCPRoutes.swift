import Vapor

/// Hosted MCP endpoints: machine traffic with bearer tokens, no cookies.
struct MCPRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, .mcp(.key), body: .stream, use: MCPController.post)
        routes.get(.mcp(.key), use: MCPController.get)
        routes.delete(.mcp(.key), use: MCPController.delete)
    }
}
