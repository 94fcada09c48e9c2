"""Progress and cancellation with real clients.

- The official SDKs (2.x at 2026-07-28, 1.x at 2025-11-25) and FastMCP's Client receive
  `notifications/progress` from a tool's `ctx.progress` through their own progress callbacks.
- 2026-07-28 has no cancel message: a client that goes away ends the call. A raw HTTP client
  asks for progress, reads the first report, hangs up, and the call is recorded as cancelled
  well before the CPU limit (a second on Hobby) would have ended it.
- The same without a progress token, for a tool this instance has seen run long: a call still running half a
  second after it reached a worker is answered as an event stream from then on, so a client that hangs up
  before any byte came back stops it too; the SDK clients read that stream's result like any other.
- The 2025 revisions say the opposite ("Disconnection SHOULD NOT be interpreted as the client
  cancelling its request"; they send notifications/cancelled): in a session, the same hang-up
  leaves the call running to its end.
"""
import json
import re
import socket
import subprocess
import time
import uuid

import pytest

from accounts import signed_in_session
from test_mcp import ROOT, Hosted, create_token, run_client, sdk_python

SCRIPT = ROOT / "Tests" / "e2e" / "mcp_clients" / "progress_client.py"
SPEC = {
    "name": "Steps", "description": "Reports progress.", "allowedDomains": [],
    "tools": [
        {"name": "count", "description": "Counts to three, reporting each step.",
         "inputSchema": {"type": "object"},
         "implementation": 'for (let i = 1; i <= 3; i++) { ctx.progress(i, 3, "step " + i); await Promise.resolve(); }\n'
                           "return { done: 3 };"},
        {"name": "spin", "description": "Says it started, then stays busy until stopped.",
         "inputSchema": {"type": "object"},
         "implementation": 'ctx.progress(1, 2, "started");\nconst end = Date.now() + 60000;\nwhile (Date.now() < end) {}\nreturn "never";'},
        {"name": "busy", "description": "Stays busy until stopped, without a word.",
         "inputSchema": {"type": "object"},
         "implementation": "const end = Date.now() + 60000;\nwhile (Date.now() < end) {}\nreturn 'never';"},
        {"name": "doze", "description": "Stays busy for most of a second, then finishes.",
         "inputSchema": {"type": "object"},
         "implementation": "const end = Date.now() + 900;\nwhile (Date.now() < end) {}\nreturn { dozed: true };"},
        {"name": "nap", "description": "Says it started, stays busy for half a second, then finishes.",
         "inputSchema": {"type": "object"},
         "implementation": 'ctx.progress(1, 2, "started");\nconst end = Date.now() + 500;\nwhile (Date.now() < end) {}\nreturn "finished";'},
    ],
}
CLIENTS = {
    "mcp2": ("BMM_MCP2_PYTHON", ".venv-mcp2", "sdk"),
    "mcp1": ("BMM_MCP1_PYTHON", ".venv-mcp1", "sdk"),
    "fastmcp": ("BMM_OTHERS_PYTHON", ".venv-others", "fastmcp"),
}


@pytest.fixture(scope="module")
def steps(server):
    session = signed_in_session(server)
    token = create_token(session, server, "progress e2e")
    created = session.post(server + "/v1/servers", json={"spec": dict(SPEC, slug=f"steps-{uuid.uuid4().hex[:8]}"), "secrets": {}},
                           timeout=30)
    assert created.status_code == 201, created.text
    server_id = created.json()["id"].lower()
    deadline = time.time() + 30
    while session.get(f"{server}/v1/servers/{server_id}", timeout=10).json().get("status") != "active":
        assert time.time() < deadline
        time.sleep(0.3)
    return Hosted(server, session, token, server_id, f"{server}/mcp/{server_id}")


@pytest.mark.parametrize("client", list(CLIENTS))
def test_progress_reaches_the_clients_callback(steps, client):
    variable, venv, library = CLIENTS[client]
    done = subprocess.run([sdk_python(variable, venv), str(SCRIPT), library, "--url", steps.endpoint, "--token", steps.token],
                          capture_output=True, text=True, timeout=120)
    out = json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])
    assert out["ok"], json.dumps(out, indent=2) + done.stderr[-2000:]
    assert out["progress"] == [[1, 3, "step 1"], [2, 3, "step 2"], [3, 3, "step 3"]], out
    assert out["result"]["structuredContent"] == {"done": 3}, out


def hang_up_after_first_progress(steps, tool, meta, headers):
    """A raw HTTP client calls `tool` asking for progress, reads up to the first report and hangs up."""
    host, port = steps.base.removeprefix("http://").split(":")
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": tool, "arguments": {}, "_meta": meta}}).encode()
    connection = socket.create_connection((host, int(port)), timeout=10)
    connection.sendall((f"POST /mcp/{steps.server_id} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {steps.token}\r\n"
                        "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                        + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
                        + f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
    received = b""
    while b"notifications/progress" not in received:
        chunk = connection.recv(4096)
        assert chunk, received
        received += chunk
    connection.close()


def test_a_client_that_hangs_up_cancels_the_call(steps):
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {},
            "progressToken": "p-1"}
    started = time.monotonic()
    hang_up_after_first_progress(steps, "spin", meta, {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "spin"})

    # the call's record says it was cancelled, well before its CPU limit
    deadline = time.time() + 10
    while True:
        page = steps.session.get(f"{steps.base}/servers/{steps.server_id}/logs", timeout=10).text
        if re.search(r"spin.*?cancelled", page, re.S):
            break
        assert time.time() < deadline, "no cancelled call on the server's Logs tab: " + str(re.findall(r"<code>spin</code>.{0,200}", page, re.S))
        time.sleep(0.3)
    assert time.monotonic() - started < 10
    calls = steps.session.get(f"{steps.base}/v1/servers/{steps.server_id}", timeout=10).json()
    assert calls["status"] == "active"


def logged_calls(steps, tool, timeout=10):
    """The Logs tab's rows for `tool` once there is one (its outcome is in the row's last span)."""
    deadline = time.time() + timeout
    while True:
        page = steps.session.get(f"{steps.base}/servers/{steps.server_id}/logs", timeout=10).text
        rows = re.findall(rf"<code>{tool}</code>.{{0,200}}?</span>", page, re.S)
        if rows:
            return rows
        assert time.time() < deadline, f"no {tool} call on the server's Logs tab"
        time.sleep(0.3)


def test_a_2026_client_that_hangs_up_before_any_answer_cancels_the_call(steps):
    host, port = steps.base.removeprefix("http://").split(":")
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": "busy", "arguments": {}, "_meta": meta}}).encode()
    headers = {"Authorization": f"Bearer {steps.token}", "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2026-07-28",
               "Mcp-Method": "tools/call", "Mcp-Name": "busy"}
    # a first call runs to its CPU limit (two seconds on the default plan): the instance learns the tool is slow
    first = steps.session.post(steps.endpoint, data=body, headers=headers, timeout=30)
    assert first.status_code == 200 and "isError" in first.text, first.text
    started = time.monotonic()
    connection = socket.create_connection((host, int(port)), timeout=10)
    connection.sendall((f"POST /mcp/{steps.server_id} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {steps.token}\r\n"
                        "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                        "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: busy\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
    time.sleep(0.2)
    connection.close()

    # the call was stopped once its grace was over (half a second on the worker), long before its CPU limit
    # (two seconds on the default plan) or its 60 s loop would have ended it
    deadline = time.time() + 10
    while not any("cancelled" in row for row in logged_calls(steps, "busy")):
        assert time.time() < deadline, logged_calls(steps, "busy")
        time.sleep(0.3)
    rows = logged_calls(steps, "busy")
    assert len(rows) == 2 and sum("cancelled" in row for row in rows) == 1, rows
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("client", ["mcp2", "mcp1"])
def test_a_call_longer_than_the_grace_reaches_the_sdk_client(steps, client):
    variable, venv, _ = CLIENTS[client]
    # twice: the second call of a tool seen to be slow is the one answered as an event stream under 2026-07-28
    status, out = run_client(sdk_python(variable, venv), steps, "--call", "doze", "--args", "{}", "--call", "doze", "--args", "{}")
    assert status == 0, out
    assert [call["result"]["structuredContent"] for call in out["calls"]] == [{"dozed": True}] * 2, out


def test_a_2025_session_that_hangs_up_does_not_cancel_the_call(steps):
    headers = {"Authorization": f"Bearer {steps.token}", "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream"}
    initialized = steps.session.post(steps.endpoint, headers=headers, timeout=10, json={
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "hang-up", "version": "1"}}})
    assert initialized.status_code == 200, initialized.text
    session_id = initialized.headers["Mcp-Session-Id"]
    headers.update({"Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-11-25"})
    assert steps.session.post(steps.endpoint, headers=headers, timeout=10,
                              json={"jsonrpc": "2.0", "method": "notifications/initialized"}).status_code == 202

    hang_up_after_first_progress(steps, "nap", {"progressToken": "p-2"}, {"MCP-Protocol-Version": "2025-11-25", "Mcp-Session-Id": session_id})

    # the call still ran to its end: recorded as ok, never as cancelled
    deadline = time.time() + 10
    while True:
        page = steps.session.get(f"{steps.base}/servers/{steps.server_id}/logs", timeout=10).text
        naps = re.findall(r"<code>nap</code>.{0,200}?</span>", page, re.S)
        if naps:
            break
        assert time.time() < deadline, "the call was never recorded"
        time.sleep(0.3)
    assert len(naps) == 1, naps
    assert ">ok<" in naps[0] and "cancelled" not in naps[0], naps
