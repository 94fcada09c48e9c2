"""N concurrent MCP clients calling the `add` tool of one hosted server for S seconds.

Each client does what a real client does: the 2025-06-18 handshake (initialize, the
initialized notification, then calls in that session) or the 2026-07-28 stateless flow
(server/discover, then calls with the per-request envelope); by default half the clients
use each era. Every client calls `add` in a loop, one call at a time, and honours
`Retry-After` on 429 (the designed answer to too many calls; JSON-RPC error -31429 under HTTP 200 in
the 2025 revisions).

Prints a report (calls/s, p50/p95/p99 latency, counts by outcome) and, with --json, writes
it as JSON. Exits 1 if anything other than a successful result or a 429 came back: a 503
(the sandbox queue's deadline passed), a tool error, a JSON-RPC error, another status, a
timeout or a broken connection.

Usage: python mcp_load.py --endpoint URL/mcp/ID --token bmm_… [--clients 500] [--seconds 60]
                          [--era mixed|2025|2026] [--json FILE]
"""
import argparse
import asyncio
import collections
import json
import math
import random
import sys
import time

import aiohttp

STATELESS = "2026-07-28"
SESSION = "2025-06-18"
ENVELOPE = {"io.modelcontextprotocol/protocolVersion": STATELESS, "io.modelcontextprotocol/clientCapabilities": {}}


class Tally:
    def __init__(self):
        self.outcomes = collections.Counter()
        self.latencies = []
        self.examples = {}

    def add(self, outcome, latency=None, example=None):
        self.outcomes[outcome] += 1
        if latency is not None:
            self.latencies.append(latency)
        if example is not None and outcome not in self.examples:
            self.examples[outcome] = example[:300]


def classify(status, body, expected):
    """('ok' | 'rate_limited' | 'overloaded' | 'tool_error' | 'rpc_error_<code>' | 'http_<status>' | 'bad_body', retry-after)."""
    try:
        message = json.loads(body)
    except ValueError:
        # An event-stream answer carries the JSON-RPC message in its last data line.
        lines = [line[6:] for line in body.splitlines() if line.startswith("data: ")]
        try:
            message = json.loads(lines[-1]) if lines else None
        except ValueError:
            message = None
    # The stateless revision answers these with 429 and 503; the 2025 ones with 200 and the same JSON-RPC error,
    # because their clients end the session on any other status.
    code = (message.get("error") or {}).get("code") if isinstance(message, dict) else None
    if status == 429 or (status == 200 and code == -31429):
        return "rate_limited", message
    if status == 503 or (status == 200 and code == -31503):
        return "overloaded", message
    if status != 200 or not isinstance(message, dict):
        return f"http_{status}" if status != 200 else "bad_body", message
    if "error" in message:
        return f"rpc_error_{message['error'].get('code')}", message
    result = message.get("result") or {}
    if result.get("isError"):
        return "tool_error", message
    if (result.get("structuredContent") or {}).get("sum") != expected:
        return "bad_body", message
    return "ok", message


class Client:
    def __init__(self, http, endpoint, token, era, tally, timeout):
        self.http, self.endpoint, self.era, self.tally = http, endpoint, era, tally
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                        "Accept": "application/json, text/event-stream"}
        self.next_id = 0

    async def post(self, body, headers=None):
        async with self.http.post(self.endpoint, data=json.dumps(body), headers={**self.headers, **(headers or {})},
                                  timeout=self.timeout) as response:
            return response.status, await response.text(), response.headers

    def request(self, method, params):
        self.next_id += 1
        return {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}

    async def handshake(self):
        if self.era == STATELESS:
            status, text, _ = await self.post(self.request("server/discover", {"_meta": ENVELOPE}),
                                              {"MCP-Protocol-Version": STATELESS, "Mcp-Method": "server/discover"})
            if status != 200:
                raise RuntimeError(f"server/discover answered {status}: {text[:200]}")
            self.call_headers = {"MCP-Protocol-Version": STATELESS, "Mcp-Method": "tools/call", "Mcp-Name": "add"}
            return
        status, text, headers = await self.post(self.request("initialize", {
            "protocolVersion": SESSION, "capabilities": {}, "clientInfo": {"name": "bmm-load", "version": "1"}}))
        session = headers.get("Mcp-Session-Id")
        if status != 200 or not session:
            raise RuntimeError(f"initialize answered {status}: {text[:200]}")
        self.call_headers = {"Mcp-Session-Id": session, "MCP-Protocol-Version": SESSION}
        status, text, _ = await self.post({"jsonrpc": "2.0", "method": "notifications/initialized"}, self.call_headers)
        if status != 202:
            raise RuntimeError(f"notifications/initialized answered {status}: {text[:200]}")

    async def call(self):
        a, b = random.randint(0, 1000), random.randint(0, 1000)
        params = {"name": "add", "arguments": {"a": a, "b": b}}
        if self.era == STATELESS:
            params["_meta"] = ENVELOPE
        started = time.perf_counter()
        status, text, headers = await self.post(self.request("tools/call", params), self.call_headers)
        latency = time.perf_counter() - started
        outcome, _ = classify(status, text, a + b)
        self.tally.add(outcome, latency, f"{status} {text}")
        if outcome in ("rate_limited", "overloaded"):
            return float(headers.get("Retry-After", "1"))
        return 0.0

    async def end(self):
        if self.era == SESSION:
            async with self.http.delete(self.endpoint, headers={**self.headers, **self.call_headers}, timeout=self.timeout):
                pass


async def run_client(client, until, start_by):
    # Clients arrive over the first second, as a crowd of agents would, not in one instant.
    await asyncio.sleep(random.uniform(0, start_by))
    try:
        await client.handshake()
    except Exception as error:  # a failed handshake is an error like any failed call
        client.tally.add("handshake_failed", example=f"{type(error).__name__}: {error}")
        return
    while time.monotonic() < until:
        try:
            wait = await client.call()
        except asyncio.TimeoutError:
            client.tally.add("timeout")
            continue
        except aiohttp.ClientError as error:
            client.tally.add("connection_error", example=f"{type(error).__name__}: {error}")
            continue
        if wait:
            await asyncio.sleep(min(wait, max(0.0, until - time.monotonic())))
    try:
        await client.end()
    except (aiohttp.ClientError, asyncio.TimeoutError):
        pass


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="the server's MCP endpoint, http://host:port/mcp/ID")
    parser.add_argument("--token", required=True, help="a personal API token with the mcp scope")
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--era", choices=["mixed", "2025", "2026"], default="mixed")
    parser.add_argument("--timeout", type=float, default=60, help="per request, as MCP clients' defaults")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()

    tally = Tally()
    # One connection per client at most, kept alive between its calls.
    connector = aiohttp.TCPConnector(limit=args.clients, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as http:
        eras = {"2025": [SESSION], "2026": [STATELESS], "mixed": [SESSION, STATELESS]}[args.era]
        clients = [Client(http, args.endpoint, args.token, eras[n % len(eras)], tally, args.timeout) for n in range(args.clients)]
        started = time.monotonic()
        until = started + args.seconds
        await asyncio.gather(*(run_client(client, until, min(1.0, args.seconds / 4)) for client in clients))
        elapsed = time.monotonic() - started

    latencies = sorted(tally.latencies)
    calls = len(latencies)
    errors = {k: v for k, v in tally.outcomes.items() if k not in ("ok", "rate_limited")}
    report = {
        "clients": args.clients, "seconds": round(elapsed, 1), "era": args.era, "calls": calls,
        "calls_per_second": round(calls / elapsed, 1) if elapsed else 0,
        "latency_ms": {name: round(percentile(latencies, f) * 1000, 1) if latencies else None
                       for name, f in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))},
        "outcomes": dict(tally.outcomes), "errors": sum(errors.values()),
        "examples": {k: v for k, v in tally.examples.items() if k in errors},
    }
    print(f"{args.clients} clients ({args.era}) for {elapsed:.1f} s: {calls} calls, {report['calls_per_second']} calls/s; "
          f"latency p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms, p99 {report['latency_ms']['p99']} ms, "
          f"max {report['latency_ms']['max']} ms")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes.items())))
    for outcome, example in report["examples"].items():
        print(f"first {outcome}: {example}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=2)
    return 1 if errors or calls == 0 else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
