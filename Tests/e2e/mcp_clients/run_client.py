#!/usr/bin/env python3
"""Talks to a hosted MCP endpoint with the official Python SDK's own Streamable HTTP client.

Works with both SDK lines (detected at import):
  mcp 2.x  -> mcp.Client (mode "auto": server/discover probe, stateless 2026-07-28,
              falling back to initialize; "legacy": initialize handshake only)
  mcp 1.x  -> streamable_http_client + ClientSession (initialize handshake, sessions)

Prints exactly one JSON line on stdout:
  {"ok": true, "sdk": "2.3.0", "mode": "auto", "protocol_version": "2026-07-28",
   "tools": [{"name", "description", "inputSchema", "outputSchema", "title", "annotations", "icons"}, ...],   (with --list)
   "calls": [{"name", "arguments", "result": {"content", "structuredContent", "isError"}}
             or {"name", "arguments", "error": {"code", "message", "data"}}, ...]}
Exit status: 0 all fine; 3 a call got a JSON-RPC error (line still printed);
1 any other failure (connect, handshake, transport), printed as {"ok": false, "error": "..."}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback
from importlib.metadata import version as _dist_version
from typing import Any

SDK_VERSION = _dist_version("mcp")
SDK_MAJOR = int(SDK_VERSION.split(".")[0])

if SDK_MAJOR >= 2:
    import httpx2 as _httpx
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.exceptions import MCPError as _RPCError
else:
    import httpx as _httpx
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.exceptions import McpError as _RPCError

TIMEOUT = _httpx.Timeout(30.0, read=60.0)


def _dump(model: Any) -> Any:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def _tool(tool: Any) -> dict[str, Any]:
    data = _dump(tool)
    return {
        "name": data["name"],
        "description": data.get("description"),
        "inputSchema": data.get("inputSchema"),
        "outputSchema": data.get("outputSchema"),
        "title": data.get("title"),
        "annotations": data.get("annotations"),
        "icons": data.get("icons"),
    }


def _result(result: Any) -> dict[str, Any]:
    data = _dump(result)
    return {
        "content": data.get("content", []),
        "structuredContent": data.get("structuredContent"),
        "isError": bool(data.get("isError", False)),
    }


def _leaves(exc: BaseException) -> list[BaseException]:
    """The real errors inside (nested) exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _rpc_error(exc: Any) -> dict[str, Any]:
    err = exc.error
    return {"code": err.code, "message": err.message, "data": getattr(err, "data", None)}


async def _exercise(list_tools, call_tool, calls, want_list) -> tuple[dict[str, Any], bool]:
    out: dict[str, Any] = {}
    failed = False
    if want_list:
        tools: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = await list_tools(cursor)
            tools.extend(_tool(t) for t in page.tools)
            cursor = getattr(page, "next_cursor", None) if SDK_MAJOR >= 2 else page.nextCursor
            if not cursor:
                break
        out["tools"] = tools
    results = []
    for name, arguments in calls:
        entry: dict[str, Any] = {"name": name, "arguments": arguments}
        try:
            entry["result"] = _result(await call_tool(name, arguments))
        except _RPCError as exc:
            entry["error"] = _rpc_error(exc)
            failed = True
        results.append(entry)
    out["calls"] = results
    return out, failed


async def _run_v2(url: str, headers: dict[str, str], mode: str, calls, want_list):
    async with _httpx.AsyncClient(headers=headers, timeout=TIMEOUT) as http:
        # cache=None: every list is a real round trip (the default cache honours ttlMs).
        async with Client(streamable_http_client(url, http_client=http), mode=mode, cache=None) as client:
            out, failed = await _exercise(
                lambda cursor: client.list_tools(cursor=cursor),
                lambda name, args: client.call_tool(name, args),
                calls,
                want_list,
            )
            out["protocol_version"] = client.protocol_version
            info = client.server_info
            out["server_info"] = _dump(info) if info is not None else None
            return out, failed


async def _run_v1(url: str, headers: dict[str, str], calls, want_list):
    async with _httpx.AsyncClient(headers=headers, timeout=TIMEOUT) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, get_session_id):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                out, failed = await _exercise(
                    lambda cursor: session.list_tools(cursor=cursor) if cursor else session.list_tools(),
                    lambda name, args: session.call_tool(name, args),
                    calls,
                    want_list,
                )
                out["protocol_version"] = str(init.protocolVersion)
                out["server_info"] = _dump(init.serverInfo)
                out["session_id_seen"] = get_session_id() is not None
                return out, failed


class _CallAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        calls = list(getattr(namespace, self.dest) or [])
        calls.append([values, {}])
        setattr(namespace, self.dest, calls)


class _ArgsAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        calls = getattr(namespace, self.dest) or []
        if not calls:
            parser.error("--args must follow a --call")
        try:
            arguments = json.loads(values)
        except ValueError as exc:
            parser.error(f"--args is not JSON: {exc}")
        if not isinstance(arguments, dict):
            parser.error("--args must be a JSON object")
        calls[-1][1] = arguments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="MCP endpoint, e.g. http://127.0.0.1:8080/mcp/<serverId>")
    parser.add_argument("--token", help="bearer token (sent as Authorization: Bearer ...)")
    parser.add_argument("--list", action="store_true", help="list the tools")
    parser.add_argument("--call", action=_CallAction, dest="calls", default=[], metavar="TOOL",
                        help="call a tool (repeatable; each --args applies to the --call before it)")
    parser.add_argument("--args", action=_ArgsAction, dest="calls", metavar="JSON",
                        help="JSON object of arguments for the preceding --call (default {})")
    parser.add_argument("--mode", default="auto", choices=["auto", "legacy", "2026-07-28"],
                        help="mcp 2.x connect mode (ignored by 1.x, which always uses initialize)")
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE", help="extra HTTP header")
    opts = parser.parse_args(argv)

    calls = [(name, arguments) for name, arguments in opts.calls]

    headers: dict[str, str] = {}
    if opts.token:
        headers["Authorization"] = f"Bearer {opts.token}"
    for item in opts.header:
        name, _, value = item.partition(":")
        headers[name.strip()] = value.strip()

    mode = opts.mode if SDK_MAJOR >= 2 else "legacy"
    base = {"sdk": SDK_VERSION, "mode": mode}
    try:
        if SDK_MAJOR >= 2:
            out, failed = asyncio.run(_run_v2(opts.url, headers, mode, calls, opts.list))
        else:
            out, failed = asyncio.run(_run_v1(opts.url, headers, calls, opts.list))
    except BaseException as exc:  # noqa: BLE001 - report anything (ExceptionGroup included) as one line
        if isinstance(exc, KeyboardInterrupt):
            raise
        detail = "".join(traceback.format_exception(exc)).strip().splitlines()[-12:]
        error = "; ".join(f"{type(leaf).__name__}: {leaf}" for leaf in _leaves(exc))
        print(json.dumps({"ok": False, **base, "error": error, "traceback": detail}))
        return 1
    print(json.dumps({"ok": not failed, **base, **out}))
    return 3 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
