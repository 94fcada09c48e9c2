"""List-changed delivery to many open listeners, run against a live `bmm serve` (Benchmarks/mcp-listeners).

Opens N `subscriptions/listen` streams (2026-07-28) to one hosted server over raw asyncio
connections, waits until every one is acknowledged, then makes another version live through
the server page's rollback form, as a person would, and records when each stream receives
`notifications/tools/list_changed`. Latency is counted from the moment the activation was
answered (the app commits before it answers) to each delivery. Alternates between versions 1
and 2 for --rounds rounds; the same rounds with a single listener are the baseline.
Prints one JSON object: {"listeners": N, "rounds": [...], "single": [...]} (seconds).
"""
import argparse
import asyncio
import json
import re
import resource
import sqlite3
import statistics
import sys
import time
import urllib.parse
import uuid

sys.path.insert(0, __import__("os").path.dirname(__file__))
import hosting  # noqa: E402

META = {"io.modelcontextprotocol/protocolVersion": hosting.PROTOCOL, "io.modelcontextprotocol/clientCapabilities": {}}


class Listener:
    def __init__(self, host, port, path, token):
        self.host, self.port, self.path, self.token = host, port, path, token
        self.acknowledged = asyncio.Event()
        self.changes = asyncio.Queue()
        self.failure = None

    async def run(self):
        body = json.dumps({"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": "subscriptions/listen",
                           "params": {"notifications": {"toolsListChanged": True}, "_meta": META}}).encode()
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
            writer.write((f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"Authorization: Bearer {self.token}\r\nContent-Type: application/json\r\n"
                          f"Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: {hosting.PROTOCOL}\r\n"
                          f"Mcp-Method: subscriptions/listen\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
            await writer.drain()
            status = await reader.readline()
            if b" 200 " not in status:
                raise RuntimeError(f"listen answered {status!r}")
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            # The body is chunked; the SSE lines are read as they come, chunk sizes skipped.
            while line := await reader.readline():
                if b"notifications/subscriptions/acknowledged" in line:
                    self.acknowledged.set()
                elif b"notifications/tools/list_changed" in line:
                    self.changes.put_nowait(time.monotonic())
        except Exception as error:  # noqa: BLE001 - reported in the result
            self.failure = repr(error)
            self.acknowledged.set()


def page_session(base):
    session = hosting.sign_in(base)
    return session


def csrf(session, url):
    return re.search(r'name="csrf" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


def second_version(db):
    """A copy of version 1 as version 2, written straight into the fresh data dir's database (it holds only
    this benchmark's server): the benchmark measures activation, not builds."""
    with sqlite3.connect(db, timeout=30) as connection:
        connection.execute("PRAGMA busy_timeout = 30000")
        (old_id, server, organization, spec, created), = connection.execute(
            "SELECT id, server_id, organization_id, spec_json, created_at FROM server_versions WHERE number = 1").fetchall()
        # A new id in the same representation Fluent used for the first (16 bytes or text).
        new_id = uuid.uuid4().bytes if isinstance(old_id, bytes) else str(uuid.uuid4()).upper()
        connection.execute("INSERT INTO server_versions (id, server_id, organization_id, number, spec_json, created_at) "
                           "VALUES (?, ?, ?, 2, ?, ?)", (new_id, server, organization, spec, created))


async def measure(base, session, page, path, token, count, rounds, first_version):
    parsed = urllib.parse.urlsplit(base)
    listeners = [Listener(parsed.hostname, parsed.port, path, token) for _ in range(count)]
    tasks = [asyncio.create_task(listener.run()) for listener in listeners]
    await asyncio.wait_for(asyncio.gather(*(listener.acknowledged.wait() for listener in listeners)), 120)
    failures = [listener.failure for listener in listeners if listener.failure]
    if failures:
        raise RuntimeError(f"{len(failures)} listeners failed: {failures[:3]}")
    results = []
    version = first_version
    for _ in range(rounds):
        version = 2 if version == 1 else 1
        token_field = await asyncio.to_thread(csrf, session, page)
        answered = await asyncio.to_thread(
            lambda: session.post(f"{page}/versions/{version}/activate", data={"csrf": token_field}, allow_redirects=False, timeout=30))
        done = time.monotonic()
        if answered.status_code != 303:
            raise RuntimeError(f"activation answered {answered.status_code}: {answered.text[:300]}")
        arrivals = await asyncio.wait_for(asyncio.gather(*(listener.changes.get() for listener in listeners)), 30)
        latencies = sorted(max(0.0, at - done) for at in arrivals)
        results.append({"p50": statistics.median(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1 if len(latencies) > 1 else 0],
                        "max": latencies[-1], "version": version})
        await asyncio.sleep(0.5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results, version


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--listeners", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.listeners * 2 + 256)), hard))

    session = page_session(args.base)
    hosting.make_enterprise(args.db)
    token = session.post(args.base + "/v1/tokens", json={"name": "listeners", "scopes": ["mcp", "api"]}, timeout=30).json()["token"]
    conn = hosting.Connection(args.base)
    created = hosting.create_server(conn, token, {"spec": hosting.spec(f"listen-{uuid.uuid4().hex[:8]}", [hosting.ADD_TOOL]), "secrets": {}})
    server_id = created["id"].lower()
    hosting.wait_callable(conn, token, server_id)
    second_version(args.db)
    page = f"{args.base}/servers/{server_id}"
    path = f"/mcp/{server_id}"

    single, version = asyncio.run(measure(args.base, session, page, path, token, 1, args.rounds, 1))
    many, _ = asyncio.run(measure(args.base, session, page, path, token, args.listeners, args.rounds, version))
    print(json.dumps({"listeners": args.listeners, "rounds": many, "single": single}))


if __name__ == "__main__":
    main()
