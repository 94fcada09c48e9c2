#!/usr/bin/env python3
"""Talks to a hosted MCP endpoint with a widely used client library other than the official SDK.

  fastmcp     fastmcp.Client over StreamableHttpTransport
  agents      the OpenAI Agents SDK's MCPServerStreamableHttp
  pydantic    Pydantic AI's MCPToolset
  langchain   langchain-mcp-adapters' MultiServerMCPClient (LangChain tools)

Each lists the tools (with whatever metadata the library exposes: title, annotations,
outputSchema) and calls `add(2, 3)`. Prints one JSON line:
  {"ok": true, "library": "fastmcp", "version": "...", "tools": [{"name", "title", "annotations", "outputSchema"}],
   "result": <what the library hands the caller for the call>, "structured": {...} | null}
or {"ok": false, "error": "..."}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback
from importlib.metadata import version
from typing import Any


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(by_alias=True, mode="json", exclude_none=True)
    return str(value)


def _tool(tool: Any) -> dict[str, Any]:
    data = _plain(tool)
    return {"name": data.get("name"), "title": data.get("title"), "annotations": data.get("annotations"),
            "outputSchema": data.get("outputSchema")}


async def fastmcp(url: str, headers: dict[str, str]) -> dict[str, Any]:
    from fastmcp import Client
    from fastmcp.client.transports import StreamableHttpTransport

    async with Client(StreamableHttpTransport(url, headers=headers)) as client:
        tools = await client.list_tools()
        result = await client.call_tool("add", {"a": 2, "b": 3})
        return {"version": version("fastmcp"), "tools": [_tool(t) for t in tools],
                "structured": _plain(result.structured_content), "result": _plain(result.data)}


async def agents(url: str, headers: dict[str, str]) -> dict[str, Any]:
    from agents.mcp import MCPServerStreamableHttp

    async with MCPServerStreamableHttp(params={"url": url, "headers": headers}) as server:
        tools = await server.list_tools()
        result = _plain(await server.call_tool("add", {"a": 2, "b": 3}))
        return {"version": version("openai-agents"), "tools": [_tool(t) for t in tools],
                "structured": result.get("structuredContent"), "result": result.get("content")}


async def pydantic(url: str, headers: dict[str, str]) -> dict[str, Any]:
    from pydantic_ai.mcp import MCPToolset

    toolset = MCPToolset(url, headers=headers)
    async with toolset:
        tools = await toolset.list_tools()
        result = _plain(await toolset.direct_call_tool("add", {"a": 2, "b": 3}))
        return {"version": version("pydantic-ai-slim"), "tools": [_tool(t) for t in tools],
                "structured": result if isinstance(result, dict) else None, "result": result}


async def langchain(url: str, headers: dict[str, str]) -> dict[str, Any]:
    from langchain_mcp_adapters.client import MultiServerMCPClient

    client = MultiServerMCPClient({"hosted": {"url": url, "transport": "streamable_http", "headers": headers}})
    tools = await client.get_tools()
    add = next(tool for tool in tools if tool.name == "add")
    result = _plain(await add.ainvoke({"a": 2, "b": 3}))
    texts = [part.get("text") for part in result if isinstance(part, dict)] if isinstance(result, list) else [result]
    structured = json.loads(texts[0]) if texts and isinstance(texts[0], str) and texts[0].startswith("{") else None
    return {"version": version("langchain-mcp-adapters"),
            # LangChain tools carry the MCP annotations as their metadata; it has no outputSchema.
            "tools": [{"name": t.name, "title": (t.metadata or {}).get("title"),
                       "annotations": {k: v for k, v in (t.metadata or {}).items() if k in HINTS} or None,
                       "outputSchema": None} for t in tools],
            "structured": structured, "result": result}


HINTS = ("title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")

LIBRARIES = {"fastmcp": fastmcp, "agents": agents, "pydantic": pydantic, "langchain": langchain}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("library", choices=sorted(LIBRARIES))
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    opts = parser.parse_args()
    try:
        out = asyncio.run(LIBRARIES[opts.library](opts.url, {"Authorization": f"Bearer {opts.token}"}))
    except BaseException as exc:  # noqa: BLE001 - one line for the test
        if isinstance(exc, KeyboardInterrupt):
            raise
        detail = "".join(traceback.format_exception(exc)).strip().splitlines()[-10:]
        print(json.dumps({"ok": False, "library": opts.library, "error": f"{type(exc).__name__}: {exc}", "traceback": detail}))
        return 1
    print(json.dumps({"ok": True, "library": opts.library, **out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
