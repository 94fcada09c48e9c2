"""Set-up and timing helpers for Benchmarks/mcp, run against a live `bmm serve`.

Subcommands (each prints one JSON object on stdout):
  account     sign in through the dev outbox, make the workspace Enterprise (sqlite3), create an API token
  hot         create the one-tool `add` server the load test hits; wait until a tools/call succeeds
  build-time  POST /v1/servers -> first successful tools/call on the new endpoint, for a 5-tool server, N times
  many        create N servers by API as fast as possible (over as many Enterprise accounts as the daily
              build quota needs), wait until every one answers, write a wrk targets file
  check       one tools/call against an endpoint; fails unless it is a successful `add` result
  cpu         CPU seconds used so far by a process tree (reaped children included)
  rss         resident memory (VmRSS) of a process and all its descendants, once or the peak over a period
"""
import argparse
import concurrent.futures
import http.client
import json
import math
import os
import random
import re
import sqlite3
import statistics
import sys
import threading
import time
import urllib.parse
import uuid

import requests

PROTOCOL = "2026-07-28"
# Enterprise allows 500 builds a day per workspace; leave room for the hot server and the build-time runs.
BUILDS_PER_ACCOUNT = 480

ADD_TOOL = {
    "name": "add",
    "description": "Adds two numbers and returns their sum.",
    "inputSchema": {
        "type": "object",
        "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
        "required": ["a", "b"],
    },
    "implementation": "return { sum: args.a + args.b };",
}
EXTRA_TOOLS = [
    {
        "name": "multiply",
        "description": "Multiplies two numbers and returns their product.",
        "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                        "required": ["a", "b"]},
        "implementation": "return { product: args.a * args.b };",
    },
    {
        "name": "greet",
        "description": "Greets someone by name and returns plain text.",
        "inputSchema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        "implementation": 'return "Hello, " + args.name + "!";',
    },
    {
        "name": "word_count",
        "description": "Counts the words in a text.",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
        "implementation": "const words = args.text.trim().split(/\\s+/).filter(Boolean);\nreturn { words: words.length };",
    },
    {
        "name": "reverse",
        "description": "Reverses a string, character by character.",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
        "implementation": 'return { reversed: Array.from(args.text).reverse().join("") };',
    },
]


def spec(slug, tools):
    return {
        "name": "Calculator",
        "slug": slug,
        "description": "Adds numbers, for the MCP hosting benchmark.",
        "tools": tools,
        "requiredSecrets": [],
        "allowedDomains": [],
    }


def call_body(request_id=1, a=2, b=3):
    return json.dumps({
        "jsonrpc": "2.0", "id": request_id, "method": "tools/call",
        "params": {"name": "add", "arguments": {"a": a, "b": b},
                   "_meta": {"io.modelcontextprotocol/protocolVersion": PROTOCOL,
                             "io.modelcontextprotocol/clientCapabilities": {}}},
    }, separators=(",", ":"))


def call_headers(token):
    return {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": PROTOCOL,
        "Mcp-Method": "tools/call",
        "Mcp-Name": "add",
        "Authorization": f"Bearer {token}",
    }


def is_sum(status, text, expected=5):
    """A successful `add` tool result (ours answers 5, FastMCP 5.0)."""
    if status != 200:
        return False
    try:
        result = json.loads(text)["result"]
    except (ValueError, KeyError, TypeError):
        return False
    return result.get("isError") is False and (result.get("structuredContent") or {}).get("sum") == expected


class Connection:
    """One keep-alive HTTP/1.1 connection (http.client), reopened after a failure."""

    def __init__(self, base):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.read().decode()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


# --- accounts ---------------------------------------------------------------------------------

def sign_in(base):
    """A requests.Session signed in through the magic-link form and the dev outbox (as Tests/e2e/accounts.py)."""
    session = requests.Session()
    session.headers["Origin"] = base
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    login = session.get(base + "/login", timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    sent = session.post(base + "/login/email", data={"email": email, "csrf": csrf, "next": "/dashboard"},
                        allow_redirects=False, timeout=30)
    assert sent.status_code == 303, sent.text
    messages = requests.get(base + "/dev/outbox.json", timeout=30).json()["messages"]
    link = next(m for m in messages if m["recipient"] == email)["link"]
    confirm = session.get(link, timeout=30)
    token = re.search(r'name="token" value="([^"]+)"', confirm.text).group(1)
    done = session.post(base + "/auth/magic", data={"token": token, "csrf": csrf}, allow_redirects=False, timeout=30)
    assert done.status_code == 303, done.text
    session.headers["X-CSRF-Token"] = session.cookies.get("bmm_csrf")
    return session


def make_enterprise(db):
    """Writes an administrator's plan override straight into the fresh data dir's database (what /admin's plan form
    does): the override wins over billing's plan and BMM_DEFAULT_PLAN, so the workspace is Enterprise either way."""
    with sqlite3.connect(db, timeout=30) as connection:
        connection.execute("PRAGMA busy_timeout = 30000")
        connection.execute("UPDATE organizations SET plan_override = 'enterprise' WHERE plan_override IS NULL")


def new_account(base, db, name="mcp bench"):
    session = sign_in(base)
    make_enterprise(db)
    # Both scopes: the benchmark creates servers through /v1 and calls them through /mcp.
    response = session.post(base + "/v1/tokens", json={"name": name, "scopes": ["mcp", "api"]}, timeout=30)
    assert response.status_code in (200, 201), response.text
    token = response.json()["token"]
    assert token.startswith("bmm_"), token
    return token


# --- servers ----------------------------------------------------------------------------------

def create_server(conn, token, body):
    status, text = conn.request("POST", "/v1/servers", body=json.dumps(body),
                                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    if status != 201:
        raise RuntimeError(f"POST /v1/servers answered {status}: {text[:500]}")
    return json.loads(text)


def wait_callable(conn, token, server_id, timeout=120, interval=0.005):
    """Polls tools/call until it answers a successful result; returns (seconds waited, attempts, last answer)."""
    path = f"/mcp/{server_id}"
    headers = call_headers(token)
    body = call_body()
    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        status, text = conn.request("POST", path, body=body, headers=headers)
        if is_sum(status, text):
            return time.perf_counter() - started, attempts, text
        # 503 server_not_ready until the build activates a version; anything else is a failure.
        if status != 503 or time.perf_counter() - started > timeout:
            raise RuntimeError(f"{path} answered {status} after {attempts} polls: {text[:500]}")
        time.sleep(interval)


def command_account(args):
    print(json.dumps({"token": new_account(args.base, args.db)}))


def command_hot(args):
    conn = Connection(args.base)
    created = create_server(conn, args.token, {"spec": spec(f"hot-{uuid.uuid4().hex[:8]}", [ADD_TOOL]), "secrets": {}})
    _, _, answer = wait_callable(conn, args.token, created["id"].lower())
    print(json.dumps({"id": created["id"].lower(), "path": f"/mcp/{created['id'].lower()}", "answer": json.loads(answer)}))


def command_build_time(args):
    conn = Connection(args.base)
    tools = ([ADD_TOOL] + EXTRA_TOOLS)[: args.tools]
    runs = []
    for index in range(args.runs):
        body = {"spec": spec(f"build-{index}-{uuid.uuid4().hex[:8]}", tools), "secrets": {}}
        started = time.perf_counter()
        created = create_server(conn, args.token, body)
        created_at = time.perf_counter() - started
        _, attempts, _ = wait_callable(conn, args.token, created["id"].lower(), interval=args.interval)
        total = time.perf_counter() - started
        runs.append({"seconds": round(total, 4), "post_seconds": round(created_at, 4), "polls": attempts,
                     "status_after_post": created.get("status")})
        time.sleep(0.3)
    seconds = [run["seconds"] for run in runs]
    print(json.dumps({"tools": len(tools), "runs": runs, "median": statistics.median(seconds), "max": max(seconds),
                      "min": min(seconds)}))


def command_many(args):
    accounts = math.ceil(args.count / BUILDS_PER_ACCOUNT)
    started = time.perf_counter()
    tokens = [new_account(args.base, args.db, f"many {index}") for index in range(accounts)]
    accounts_seconds = time.perf_counter() - started
    local = threading.local()

    def connection():
        if not hasattr(local, "conn"):
            local.conn = Connection(args.base)
        return local.conn

    def create(index):
        token = tokens[index // BUILDS_PER_ACCOUNT]
        body = {"spec": spec(f"many-{index:05d}", [ADD_TOOL]), "secrets": {}}
        return create_server(connection(), token, body)["id"].lower(), token

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        servers = list(pool.map(create, range(args.count)))
    posted = time.perf_counter() - started

    # Every build is queued now; wait until each workspace lists all its servers active.
    pending = {token for _, token in servers}
    conn = Connection(args.base)
    while pending:
        for token in sorted(pending):
            status, text = conn.request("GET", "/v1/servers", headers={"Authorization": f"Bearer {token}"})
            assert status == 200, text[:500]
            listed = json.loads(text)["servers"]
            failed = [s for s in listed if s["status"] == "failed"]
            if failed:
                raise RuntimeError(f"{len(failed)} builds failed, e.g. {failed[0]}")
            if all(s["status"] == "active" for s in listed):
                pending.discard(token)
        if pending:
            time.sleep(0.25)
    all_active = time.perf_counter() - started

    sample = random.Random(1).sample(servers, min(50, len(servers)))
    for server_id, token in sample:
        status, text = conn.request("POST", f"/mcp/{server_id}", body=call_body(), headers=call_headers(token))
        if not is_sum(status, text):
            raise RuntimeError(f"/mcp/{server_id} answered {status}: {text[:500]}")
    with open(args.out, "w") as targets:
        for server_id, token in servers:
            targets.write(f"/mcp/{server_id} {token}\n")
    print(json.dumps({"servers": len(servers), "accounts": accounts, "accounts_seconds": round(accounts_seconds, 2),
                      "post_seconds": round(posted, 2), "posts_per_second": round(len(servers) / posted, 1),
                      "all_active_seconds": round(all_active, 2), "sampled_calls_ok": len(sample)}))


def command_check(args):
    conn = Connection(args.base)
    status, text = conn.request("POST", args.path, body=call_body(), headers=call_headers(args.token))
    if not is_sum(status, text):
        print(f"{args.base}{args.path} answered {status}: {text[:1000]}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"status": status, "answer": json.loads(text)}))


def command_calls(args):
    # Read-only, so it never takes the writer lock from the app it measures.
    with sqlite3.connect(f"file:{args.db}?mode=ro", uri=True) as db:
        print(json.dumps({"calls": db.execute("SELECT COUNT(*) FROM tool_calls").fetchone()[0]}))


# --- memory -----------------------------------------------------------------------------------

def tree_rss_kib(root):
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, processes, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(parents.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        processes += 1
                        break
        except OSError:
            continue
    return total, processes


def tree_cpu_seconds(root):
    """CPU time (user + system) of a process, its reaped children and its live descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    parents, stats = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
        stats[int(entry)] = fields
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(parents.get(pid, []))
        fields = stats.get(pid)
        if fields:
            # After ")": state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based.
            total += sum(int(value) for value in fields[11:15])
    return total / tick


def command_cpu(args):
    print(json.dumps({"seconds": tree_cpu_seconds(args.pid)}))


def command_rss(args):
    kib, processes = tree_rss_kib(args.pid)
    peak = (kib, processes)
    deadline = time.time() + args.watch
    while time.time() < deadline:
        time.sleep(0.5)
        sample = tree_rss_kib(args.pid)
        if sample[0] > peak[0]:
            peak = sample
    print(json.dumps({"kib": kib, "processes": processes, "peak_kib": peak[0], "peak_processes": peak[1]}))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("account"); p.add_argument("--base", required=True); p.add_argument("--db", required=True)
    p = sub.add_parser("hot"); p.add_argument("--base", required=True); p.add_argument("--token", required=True)
    p = sub.add_parser("build-time"); p.add_argument("--base", required=True); p.add_argument("--token", required=True)
    p.add_argument("--runs", type=int, default=5); p.add_argument("--tools", type=int, default=5)
    p.add_argument("--interval", type=float, default=0.005)
    p = sub.add_parser("many"); p.add_argument("--base", required=True); p.add_argument("--db", required=True)
    p.add_argument("--count", type=int, required=True); p.add_argument("--out", required=True)
    p.add_argument("--concurrency", type=int, default=8)
    p = sub.add_parser("check"); p.add_argument("--base", required=True); p.add_argument("--path", required=True)
    p.add_argument("--token", default="bmm_unused")
    p = sub.add_parser("cpu"); p.add_argument("--pid", type=int, required=True)
    p = sub.add_parser("calls"); p.add_argument("--db", required=True)
    p = sub.add_parser("rss"); p.add_argument("--pid", type=int, required=True); p.add_argument("--watch", type=float, default=0)
    args = parser.parse_args()
    {"account": command_account, "hot": command_hot, "build-time": command_build_time, "many": command_many,
     "check": command_check, "cpu": command_cpu, "calls": command_calls, "rss": command_rss}[args.command](args)


if __name__ == "__main__":
    main()
