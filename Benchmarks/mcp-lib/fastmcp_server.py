"""The baseline: the same `add` tool served by FastMCP over stateless Streamable HTTP
with JSON responses (one uvicorn process, FastMCP's defaults otherwise)."""
import sys

from fastmcp import FastMCP

mcp = FastMCP("Calculator")


@mcp.tool
def add(a: float, b: float) -> dict:
    """Adds two numbers and returns their sum."""
    return {"sum": a + b}


if __name__ == "__main__":
    port = int(sys.argv[1])
    mcp.run(transport="http", host="127.0.0.1", port=port, path="/mcp", stateless_http=True, json_response=True,
            show_banner=False, log_level="warning")
