import Vapor

/// Hosted MCP endpoints: machine traffic with bearer tokens, no cookies. The origin check
/// (DNS rebinding) and the CORS answers for browser-based clients come first.
struct MCPRoutes: RouteCollection {
    let crossOrigin: CrossOriginPolicy

    func boot(routes: any RoutesBuilder) throws {
        let mcp = routes.grouped(CrossOriginMiddleware(policy: crossOrigin))
        mcp.on(.POST, .mcp(.key), body: .stream, use: MCPController.post)
        mcp.get(.mcp(.key), use: MCPController.get)
        mcp.delete(.mcp(.key), use: MCPController.delete)
        mcp.preflights([.mcp(.key)])
    }
}
