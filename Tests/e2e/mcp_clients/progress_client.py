#!/usr/bin/env python3
"""Calls a tool that reports progress and collects the progress notifications, with a client
library's own progress callback:

  sdk       the official SDK installed in this interpreter (2.x: mcp.Client in mode "auto",
            2026-07-28; 1.x: ClientSession, 2025-11-25), `call_tool(..., progress_callback=...)`
  fastmcp   fastmcp.Client(..., progress_handler=...)

Prints one JSON line: {"ok": true, "progress": [[progress, total, message], ...], "result": {...}}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback
from importlib.metadata import version
from typing import Any

SDK_MAJOR = int(version("mcp").split(".")[0])


async def sdk(url: str, headers: dict[str, str], tool: str) -> dict[str, Any]:
    seen: list[list[Any]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append([progress, total, message])

    if SDK_MAJOR >= 2:
        import httpx2 as httpx
        from mcp import Client
        from mcp.client.streamable_http import streamable_http_client

        async with httpx.AsyncClient(headers=headers, timeout=60) as http:
            async with Client(streamable_http_client(url, http_client=http), mode="auto", cache=None) as client:
                result = await client.call_tool(tool, {}, progress_callback=on_progress)
                return {"protocol_version": client.protocol_version, "progress": seen,
                        "result": result.model_dump(by_alias=True, mode="json", exclude_none=True)}
    import httpx
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with httpx.AsyncClient(headers=headers, timeout=60) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, _):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                result = await session.call_tool(tool, {}, progress_callback=on_progress)
                return {"protocol_version": str(init.protocolVersion), "progress": seen,
                        "result": result.model_dump(by_alias=True, mode="json", exclude_none=True)}


async def fastmcp(url: str, headers: dict[str, str], tool: str) -> dict[str, Any]:
    from fastmcp import Client
    from fastmcp.client.transports import StreamableHttpTransport

    seen: list[list[Any]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append([progress, total, message])

    async with Client(StreamableHttpTransport(url, headers=headers), progress_handler=on_progress) as client:
        result = await client.call_tool(tool, {})
        return {"progress": seen, "result": {"structuredContent": result.structured_content}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("library", choices=["sdk", "fastmcp"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--tool", default="count")
    opts = parser.parse_args()
    runner = sdk if opts.library == "sdk" else fastmcp
    try:
        out = asyncio.run(runner(opts.url, {"Authorization": f"Bearer {opts.token}"}, opts.tool))
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}",
                          "traceback": "".join(traceback.format_exception(exc)).strip().splitlines()[-8:]}))
        return 1
    print(json.dumps({"ok": True, **out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
