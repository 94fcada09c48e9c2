#!/usr/bin/env python3
"""Waits for a hosted server's tool list to change, with the official Python SDK's own client.

  mcp 2.x  -> mcp.Client in mode "auto" (2026-07-28) and `client.listen(tools_list_changed=True)`:
              the `subscriptions/listen` stream; the client's response cache is left on, so the
              refetch after the event also shows that the SDK evicts what `ttlMs` let it keep.
  mcp 1.x  -> ClientSession (2025-11-25) with a message handler: the session's GET stream.

Prints a line {"ready": true, "tools": [...], ...} once listening (the test then changes the
server), then one final line {"ok": true, "changed": true, "tools_after": [...], "seconds": 0.4}
or {"ok": false, "error": ...}. --timeout bounds the wait for the change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import traceback
from importlib.metadata import version as _dist_version
from typing import Any

SDK_VERSION = _dist_version("mcp")
SDK_MAJOR = int(SDK_VERSION.split(".")[0])

if SDK_MAJOR >= 2:
    import httpx2 as _httpx
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
else:
    import httpx as _httpx
    from mcp import ClientSession, types
    from mcp.client.streamable_http import streamable_http_client

TIMEOUT = _httpx.Timeout(30.0, read=120.0)


def _say(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


async def _v2(url: str, headers: dict[str, str], timeout: float) -> dict[str, Any]:
    async with _httpx.AsyncClient(headers=headers, timeout=TIMEOUT) as http:
        async with Client(streamable_http_client(url, http_client=http), mode="auto") as client:
            before = [tool.name for tool in (await client.list_tools()).tools]
            async with client.listen(tools_list_changed=True) as subscription:
                honored = subscription.honored.model_dump(by_alias=True, exclude_none=True)
                _say({"ready": True, "sdk": SDK_VERSION, "protocol_version": client.protocol_version,
                      "tools": before, "honored": honored})
                started = time.monotonic()
                event = await asyncio.wait_for(anext(aiter(subscription)), timeout)
                seconds = time.monotonic() - started
                after = [tool.name for tool in (await client.list_tools()).tools]
                return {"changed": True, "event": type(event).__name__, "tools_after": after, "seconds": seconds}


async def _v1(url: str, headers: dict[str, str], timeout: float) -> dict[str, Any]:
    changed = asyncio.Event()

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ServerNotification) and isinstance(message.root, types.ToolListChangedNotification):
            changed.set()

    async with _httpx.AsyncClient(headers=headers, timeout=TIMEOUT) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, _):
            async with ClientSession(read, write, message_handler=on_message) as session:
                init = await session.initialize()
                before = [tool.name for tool in (await session.list_tools()).tools]
                listed = init.capabilities.tools.listChanged if init.capabilities.tools else None
                # The SDK opens the GET stream in the background after initialize; give it a moment.
                await asyncio.sleep(1.0)
                _say({"ready": True, "sdk": SDK_VERSION, "protocol_version": str(init.protocolVersion),
                      "tools": before, "list_changed_capability": listed})
                started = time.monotonic()
                await asyncio.wait_for(changed.wait(), timeout)
                seconds = time.monotonic() - started
                after = [tool.name for tool in (await session.list_tools()).tools]
                return {"changed": True, "tools_after": after, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    opts = parser.parse_args()
    headers = {"Authorization": f"Bearer {opts.token}"}
    try:
        runner = _v2 if SDK_MAJOR >= 2 else _v1
        out = asyncio.run(runner(opts.url, headers, opts.timeout))
    except BaseException as exc:  # noqa: BLE001 - one line for the test, whatever failed
        if isinstance(exc, KeyboardInterrupt):
            raise
        detail = "".join(traceback.format_exception(exc)).strip().splitlines()[-8:]
        _say({"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": detail})
        return 1
    _say({"ok": True, **out})
    return 0


if __name__ == "__main__":
    sys.exit(main())
