"""Helpers for the operations tests: a `bmm serve` process the test owns (it signals and
kills it), a slow HTTP server for tools to wait on, and a throwaway PostgreSQL."""
import glob
import json
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import requests

from conftest import BINARY, ROOT, free_port, wait_for


class Serve:
    """`bmm serve` on its own port and data folder."""

    def __init__(self, data, port=None, **env):
        self.data = pathlib.Path(data)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, BMM_DATA_DIR=str(self.data), BMM_PORT=str(self.port), BMM_PUBLIC_URL=self.base,
                        BMM_SIGNIN_SENDS_PER_IP="1000", BMM_RELOAD="off", **env)
        if "DATABASE_URL" not in env:
            self.env.pop("DATABASE_URL", None)
        self.process = None

    def start(self):
        self.data.mkdir(parents=True, exist_ok=True)
        log = open(self.data / "serve.log", "a")
        self.process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for(self.base + "/healthz")
        return self

    def command(self, *arguments, timeout=120):
        return subprocess.run([BINARY, *arguments], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)

    def children(self):
        """The sandbox workers this process started (kill -9 of the app leaves them to us)."""
        found = []
        for task in glob.glob(f"/proc/{self.process.pid}/task/*/children"):
            try:
                found += [int(pid) for pid in pathlib.Path(task).read_text().split()]
            except OSError:
                pass
        return found

    def kill(self):
        workers = self.children()
        self.process.kill()
        self.process.wait(timeout=20)
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self, timeout=60):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            return self.process.wait(timeout=timeout)
        return self.process.returncode if self.process else None

    def log(self):
        return (self.data / "serve.log").read_text(errors="replace")

    def rows(self, query, *parameters):
        with sqlite3.connect(f"file:{self.data / 'bmm.sqlite'}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(query, parameters).fetchall()


class SlowServer:
    """Answers `/?seconds=N` after N seconds; `arrived` is set when a request comes in."""

    def __init__(self):
        arrived = self.arrived = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                arrived.set()
                seconds = float(parse_qs(urlparse(self.path).query).get("seconds", ["0"])[0])
                time.sleep(seconds)
                body = json.dumps({"waited": seconds}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the caller was killed meanwhile

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


# A tool that waits on the slow server: a tool call that takes as long as the test says.
SLOW_SPEC = {
    "name": "Slow",
    "description": "Waits for a slow local HTTP server, for the shutdown and crash tests.",
    "tools": [{
        "name": "wait",
        "description": "Fetches the given URL and returns its JSON answer.",
        "inputSchema": {"type": "object", "properties": {"url": {"type": "string"}}, "required": ["url"]},
        "implementation": "const res = await ctx.fetch(args.url); return await res.json();",
    }],
    "requiredSecrets": [],
    # Named, not "*": an operator's opened range is reached only by hosts a server names.
    "allowedDomains": ["127.0.0.1"],
}

# Tools may fetch from loopback only because the operator opens it, as here.
LOOPBACK_EGRESS = {"BMM_EGRESS_ALLOW_CIDRS": "127.0.0.1/32,::1/128"}


def wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class Postgres:
    """A PostgreSQL of its own (run as the postgres user when the tests run as root)."""

    def __init__(self):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[-2].split(".")])[-1]
        self.dir = tempfile.mkdtemp(prefix="bmm-pg-")
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.url = f"postgres://bmm@127.0.0.1:{self.port}/bmm"
        self.run("initdb", "-D", self.dir, "-U", "bmm", "--auth=trust", "-E", "UTF8")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "bmm", "bmm")

    def run(self, tool, *arguments):
        command = [f"{self.bin}/{tool}", *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self):
        self.run("pg_ctl", "-D", self.dir, "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                 "-l", f"{self.dir}/log", "-w", "start")

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", self.dir, "-m", mode, "-w", "stop")

    def destroy(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def create_server(session, base, spec):
    created = session.post(base + "/v1/servers", json={"spec": spec, "secrets": {}}, timeout=30)
    assert created.status_code == 201, created.text
    return created.json()


def wait_active(session, base, server_id, timeout=60):
    def status():
        return session.get(f"{base}/v1/servers/{server_id}", timeout=10).json()["status"]
    final = wait_until(lambda: status() in ("active", "failed") and status(), timeout, interval=0.3)
    assert final == "active", f"server {server_id} ended {final}"


def call_tool(base, server_id, token, name, arguments, timeout=60):
    """A 2026-07-28 tools/call, as test_mcp.modern sends it."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments, "_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "bmm-e2e", "version": "1.0.0"},
        "io.modelcontextprotocol/clientCapabilities": {}}}}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28",
               "Mcp-Method": "tools/call", "Mcp-Name": name}
    return requests.post(f"{base}/mcp/{server_id}", json=body, headers=headers, timeout=timeout)


def hold_the_only_worker(app, session, token, slow, seconds):
    """With one sandbox worker (BMM_SANDBOX_WORKERS=1), a slow tool call holds it for `seconds`, so the next build
    waits in its compile step meanwhile. Builds a slow server, starts the call and returns once it reached `slow`."""
    first = create_server(session, app.base, dict(SLOW_SPEC, slug=f"slow-{uuid.uuid4().hex[:8]}"))
    wait_active(session, app.base, first["id"])

    def call():
        try:
            call_tool(app.base, first["id"], token, "wait", {"url": slow.url + f"?seconds={seconds}"}, timeout=30)
        except requests.RequestException:
            pass  # the process may be killed under it
    threading.Thread(target=call, daemon=True).start()
    assert slow.arrived.wait(20), "the slow call did not reach the slow server"
    return first

